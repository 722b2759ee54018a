INSERT INTO public.t (id, c) VALUES (1, B'10101010'), (2, NULL), (3, B'10101010');
