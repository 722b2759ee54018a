-- a composite attribute changes type
CREATE TYPE public.money_amt AS (amount numeric(10,2), currency char(3));
