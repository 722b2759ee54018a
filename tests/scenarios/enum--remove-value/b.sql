-- an enum label exists only in A (type must be recreated; column keeps its data)
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood);
