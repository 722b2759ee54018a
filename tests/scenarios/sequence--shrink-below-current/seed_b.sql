INSERT INTO public.orders (item) VALUES ('a'), ('b');
