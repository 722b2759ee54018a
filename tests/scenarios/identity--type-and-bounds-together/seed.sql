INSERT INTO public.event (kind) VALUES ('a'), ('b');
