-- a default exists only in A
CREATE TABLE public.t (id int PRIMARY KEY, note text DEFAULT 'none');
