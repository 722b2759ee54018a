INSERT INTO public.box_t VALUES (1, ROW(2, 3));
