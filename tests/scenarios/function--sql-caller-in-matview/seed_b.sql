INSERT INTO public.sales VALUES (1, 5.00, 'north'), (2, 7.50, 'SOUTH');
