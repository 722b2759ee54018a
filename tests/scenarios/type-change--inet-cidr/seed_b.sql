INSERT INTO public.t (id, c) VALUES (1, '10.0.0.0/8'), (2, '192.168.1.0/24');
