-- an enum gains a label that a new view and a changed view filter on
CREATE TYPE public.state AS ENUM ('invited', 'active', 'paused', 'gone');
CREATE TABLE public.members (id int PRIMARY KEY, state public.state NOT NULL);
CREATE VIEW public.active_members AS
    SELECT id FROM public.members WHERE state IN ('active', 'paused');
CREATE VIEW public.invited_members AS SELECT id FROM public.members WHERE state = 'invited';
