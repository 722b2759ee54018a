INSERT INTO public.customer VALUES (1, ROW('Main St 1', 'Springfield')), (2, NULL);
