INSERT INTO public.t (id, c) VALUES (1, '\xdeadbeef'), (2, NULL), (3, '\xdeadbeef');
