-- the same labels in a different order
CREATE TYPE public.mood AS ENUM ('happy', 'ok', 'sad');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood);
