INSERT INTO public.product VALUES (1, 'pen', 1.50);
INSERT INTO public.sale VALUES (1, 1, 2, 1.50);
