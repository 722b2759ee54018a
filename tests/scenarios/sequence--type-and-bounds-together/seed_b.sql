INSERT INTO public.doc (body) VALUES ('a'), ('b');
