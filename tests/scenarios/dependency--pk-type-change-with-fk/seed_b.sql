INSERT INTO public.parent VALUES (1), (2);
INSERT INTO public.child VALUES (1, 1), (2, 2);
