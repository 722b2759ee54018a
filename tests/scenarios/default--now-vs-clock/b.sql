-- a timestamptz default changes from now() to clock_timestamp()
CREATE TABLE public.t (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp());
