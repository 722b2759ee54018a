-- a CHECK on a parent table becomes NO INHERIT
CREATE TABLE public.base (id int, kind text, CONSTRAINT base_kind CHECK (kind = 'base'));
CREATE TABLE public.derived (extra int) INHERITS (public.base);
