INSERT INTO public.orders (total) VALUES (10), (20);
INSERT INTO public.items (name) VALUES ('a'), ('b'), ('c');
