INSERT INTO public.people VALUES (1, 'ann'), (2, 'bob');
INSERT INTO public.tagged VALUES ('x');
