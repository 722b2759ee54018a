INSERT INTO public.t (id, c) VALUES (1, '{a,b}'), (2, NULL), (3, '{a,b}');
