INSERT INTO public.t VALUES (1, '{x,y}', NULL), (2, NULL, NULL);
