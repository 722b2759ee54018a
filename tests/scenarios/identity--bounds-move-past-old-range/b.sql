-- a used identity's range moves past its old maximum: 1..50 becomes 100..200
CREATE TABLE public.counter (id int GENERATED ALWAYS AS IDENTITY (MINVALUE 100 MAXVALUE 200 START WITH 100) PRIMARY KEY, label text);
