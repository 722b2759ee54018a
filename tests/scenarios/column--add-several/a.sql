-- several columns of different types added at once
CREATE TABLE public.t (id int PRIMARY KEY);
