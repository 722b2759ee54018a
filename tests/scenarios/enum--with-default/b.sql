-- an enum column with a default; a label is removed
CREATE TYPE public.mood AS ENUM ('new', 'paid', 'void');
CREATE TABLE public.invoice (id int PRIMARY KEY, status public.mood NOT NULL DEFAULT 'new');
