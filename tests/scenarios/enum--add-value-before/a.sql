-- an enum gains a label before the first one
CREATE TYPE public.mood AS ENUM ('ok', 'happy');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood);
