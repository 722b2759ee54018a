INSERT INTO public.pair (a, b, label) VALUES (1, 10, 'x'), (2, 20, 'y');
