-- a table joins a second parent that has CHECKs (one NO INHERIT), NOT NULL and a default: the checks are added to the child first
CREATE TABLE public.tracked (updated_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00+00',
    CONSTRAINT tracked_recent CHECK (updated_at > '2000-01-01'),
    CONSTRAINT tracked_only_here CHECK (updated_at IS NOT NULL) NO INHERIT);
CREATE TABLE public.named (name text NOT NULL CHECK (name <> ''));
CREATE TABLE public.doc (body text, updated_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00+00')
    INHERITS (public.named, public.tracked);
