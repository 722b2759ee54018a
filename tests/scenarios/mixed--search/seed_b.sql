INSERT INTO public.article VALUES (1, 'Hello world', 'first post'), (2, 'Second', NULL);
