-- an enum type with quoted name and awkward labels gains a label
CREATE TYPE public."Status Type" AS ENUM ('it''s', 'with space', 'Ünï', '表', 'UPPER', 'new "quoted"');
CREATE TABLE public.s (id int PRIMARY KEY, st public."Status Type");
