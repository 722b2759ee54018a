INSERT INTO public.ticket (subject) VALUES ('a'), ('b'), ('c');
