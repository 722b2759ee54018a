INSERT INTO public.article VALUES (1, 't', 'b');
