-- a materialized view is added
CREATE TABLE public.sale (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
