-- a composite attribute changes type
CREATE TYPE public.money_amt AS (amount numeric(14,4), currency char(3));
