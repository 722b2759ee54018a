INSERT INTO public.line (id, price, qty) VALUES (1, 2.50, 4), (2, 10, 1);
