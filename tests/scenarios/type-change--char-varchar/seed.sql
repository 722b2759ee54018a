INSERT INTO public.t (id, c) VALUES (1, 'ab'), (2, 'abcde');
