INSERT INTO public.invoice VALUES (1, 'new'), (2, 'paid');
