INSERT INTO public.purchases (note) VALUES ('a'), ('b');
