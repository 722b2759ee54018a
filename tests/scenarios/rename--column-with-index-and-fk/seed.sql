INSERT INTO public.product VALUES (1);
INSERT INTO public.order_line VALUES (1, 1), (2, NULL);
