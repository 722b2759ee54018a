INSERT INTO public.t (id, c) VALUES (1, '10:30+02'), (2, NULL), (3, '10:30+02');
