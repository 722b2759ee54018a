INSERT INTO public.counter (label) VALUES ('a'), ('b'), ('c');
