INSERT INTO public.invoices VALUES (1, 'new'), (2, 'paid');
