INSERT INTO public.t (id, c) VALUES (1, '1 day 00:00:05'), (2, NULL), (3, '1 day 00:00:05');
