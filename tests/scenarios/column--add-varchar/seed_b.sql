INSERT INTO public.t (id, c) VALUES (1, 'hi'), (2, NULL), (3, 'hi');
