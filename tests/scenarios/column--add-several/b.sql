-- several columns of different types added at once
CREATE TABLE public.t (id int PRIMARY KEY);
ALTER TABLE public.t ADD COLUMN name text NOT NULL DEFAULT '', ADD COLUMN score numeric(5,2),
ADD COLUMN tags text[] DEFAULT '{}', ADD COLUMN active boolean NOT NULL DEFAULT true;
