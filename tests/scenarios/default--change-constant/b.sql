-- an integer default changes value
CREATE TABLE public.t (id int PRIMARY KEY, n int DEFAULT 1);
