INSERT INTO public.customer VALUES (1, ROW('Main St 1', 'Springfield', '12345')), (2, NULL);
