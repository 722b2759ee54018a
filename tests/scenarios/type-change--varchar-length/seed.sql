INSERT INTO public.t (id, c) VALUES (1, 'short'), (2, 'also short');
