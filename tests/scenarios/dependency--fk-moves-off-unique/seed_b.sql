INSERT INTO public.parent VALUES (1, 'a');
INSERT INTO public.child VALUES (1, 'a', 1);
