-- the primary key gains INCLUDE columns
CREATE TABLE public.t (id int, name text, price int, PRIMARY KEY (id) INCLUDE (name, price));
