-- a used descending sequence's range moves below its old minimum: -50..-1 becomes -500..-100
CREATE SEQUENCE public.down_seq INCREMENT BY -1 MINVALUE -500 MAXVALUE -100 START -100;
