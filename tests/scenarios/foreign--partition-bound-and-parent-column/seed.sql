INSERT INTO public.sales VALUES (1, 'eu'), (2, 'eu');
INSERT INTO public.logs VALUES (1, 'x');
