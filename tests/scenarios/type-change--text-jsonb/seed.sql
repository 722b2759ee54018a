INSERT INTO public.t (id, c) VALUES (1, '{"a": 1}'), (2, '[1,2]');
