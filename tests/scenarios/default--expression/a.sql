-- a default becomes an expression with an interval
CREATE TABLE public.t (id int PRIMARY KEY, due timestamptz DEFAULT now());
