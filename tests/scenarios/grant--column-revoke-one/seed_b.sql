INSERT INTO public.profile VALUES (1, 'n', 'b', 'a');
