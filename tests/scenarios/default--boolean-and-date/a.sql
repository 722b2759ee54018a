-- boolean and date defaults change
CREATE TABLE public.t (id int PRIMARY KEY, ok boolean DEFAULT false, d date DEFAULT CURRENT_DATE);
