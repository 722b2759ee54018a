-- a nullable timestamp(3) without time zone column is added to an existing table
CREATE TABLE public.t (id int PRIMARY KEY);
ALTER TABLE public.t ADD COLUMN c timestamp(3) without time zone;
