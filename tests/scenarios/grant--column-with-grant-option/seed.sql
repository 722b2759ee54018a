INSERT INTO public.note VALUES (1, 'x');
