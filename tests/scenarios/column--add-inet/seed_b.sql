INSERT INTO public.t (id, c) VALUES (1, '192.168.0.1'), (2, NULL), (3, '192.168.0.1');
