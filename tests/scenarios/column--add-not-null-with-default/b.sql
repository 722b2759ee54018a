-- a NOT NULL column with a default added to a table with rows
CREATE TABLE public.t (id int PRIMARY KEY);
ALTER TABLE public.t ADD COLUMN status text NOT NULL DEFAULT 'active';
