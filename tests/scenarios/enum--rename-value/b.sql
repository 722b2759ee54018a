-- one enum label is renamed
CREATE TYPE public.mood AS ENUM ('sad', 'fine', 'happy');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood);
