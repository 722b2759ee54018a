INSERT INTO public.t (id, c) VALUES (1, '2 days 3 hours'), (2, NULL), (3, '2 days 3 hours');
