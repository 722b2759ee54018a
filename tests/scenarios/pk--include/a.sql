-- the primary key gains INCLUDE columns
CREATE TABLE public.t (id int PRIMARY KEY, name text, price int);
