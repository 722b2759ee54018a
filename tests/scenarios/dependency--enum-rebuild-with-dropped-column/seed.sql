INSERT INTO public.invoices VALUES (1, 'new', 'void'), (2, 'paid', NULL);
