INSERT INTO public.warehouses VALUES ('w1', 'north');
INSERT INTO public.regions VALUES (1, 'eu');
INSERT INTO public.stock VALUES (1, 'w1', 1);
