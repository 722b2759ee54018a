-- an enum gains a label that a new view and a changed view filter on
CREATE TYPE public.state AS ENUM ('active', 'gone');
CREATE TABLE public.members (id int PRIMARY KEY, state public.state NOT NULL);
CREATE VIEW public.active_members AS SELECT id FROM public.members WHERE state = 'active';
