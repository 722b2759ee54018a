INSERT INTO public.orders (total) VALUES (10), (20);
INSERT INTO public.notes (body) VALUES ('n');
