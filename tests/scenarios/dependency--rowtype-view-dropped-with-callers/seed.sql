INSERT INTO public.orders VALUES (1, 9.50, 'open'), (2, 4.00, 'shipped');
