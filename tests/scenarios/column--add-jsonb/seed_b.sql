INSERT INTO public.t (id, c) VALUES (1, '{"a": 1}'), (2, NULL), (3, '{"a": 1}');
