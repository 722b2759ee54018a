-- a used identity's range moves past its old maximum: 1..50 becomes 100..200
CREATE TABLE public.counter (id int GENERATED ALWAYS AS IDENTITY (MINVALUE 1 MAXVALUE 50) PRIMARY KEY, label text);
