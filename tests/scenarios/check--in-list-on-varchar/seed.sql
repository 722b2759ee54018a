INSERT INTO public.orders VALUES (1, 'new', 'AA', 'x'), (2, 'paid', 'B]', 'z');
