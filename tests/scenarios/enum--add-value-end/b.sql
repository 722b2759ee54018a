-- an enum gains a label at the end
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood);
