INSERT INTO public.invoice VALUES (1, 'paid'), (2, DEFAULT);
