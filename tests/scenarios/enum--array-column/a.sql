-- an enum array column; the enum gains a label
CREATE TYPE public.mood AS ENUM ('red', 'green');
CREATE TABLE public.palette (id int PRIMARY KEY, colors public.mood[] NOT NULL DEFAULT '{}');
