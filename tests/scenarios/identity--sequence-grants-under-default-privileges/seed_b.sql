INSERT INTO public.orders (total) VALUES (10), (20);
INSERT INTO public.invoices DEFAULT VALUES;
