INSERT INTO public.t (id, c) VALUES (1, '0/16B3748'), (2, NULL), (3, '0/16B3748');
