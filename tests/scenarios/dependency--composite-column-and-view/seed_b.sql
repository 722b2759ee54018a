INSERT INTO public.c VALUES (1, ROW('Paris', '75001'));
