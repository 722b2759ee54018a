INSERT INTO public.orders (total) VALUES (30);
