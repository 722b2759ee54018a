-- an enum loses a label (rebuilt) while a table using it is dropped in the same migration, and a kept table's array column uses it
CREATE TYPE public.mood AS ENUM ('happy', 'meh', 'sad');
CREATE TABLE public.diary (id int PRIMARY KEY, mood public.mood NOT NULL);
CREATE TABLE public.surveys (id int PRIMARY KEY, moods public.mood[] NOT NULL DEFAULT '{}');
