INSERT INTO public.customer VALUES (1, 'acme');
INSERT INTO public.invoice VALUES (1, 1, 99.5);
