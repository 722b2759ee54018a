INSERT INTO public.orders (note) VALUES ('a'), ('b');
