-- boolean and date defaults change
CREATE TABLE public.t (id int PRIMARY KEY, ok boolean DEFAULT true, d date DEFAULT '2000-01-01');
