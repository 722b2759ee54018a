-- an enum loses a label (rebuilt) while a table using it is dropped in the same migration, and a kept table's array column uses it
CREATE TYPE public.mood AS ENUM ('happy', 'sad');
CREATE TABLE public.surveys (id int PRIMARY KEY, moods public.mood[] NOT NULL DEFAULT '{}');
