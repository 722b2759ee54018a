-- an enum loses a label while the only column using it is dropped, and a function keeps returning it
CREATE TYPE public.priority AS ENUM ('low', 'mid', 'high');
CREATE TABLE public.tickets (id int PRIMARY KEY, title text NOT NULL, priority public.priority);
CREATE FUNCTION public.default_priority() RETURNS public.priority LANGUAGE sql IMMUTABLE AS $$ SELECT 'low'::public.priority $$;
