INSERT INTO public.person VALUES (1), (2);
INSERT INTO public.company VALUES (1), (2);
INSERT INTO public.contract VALUES (1, 1), (2, 2);
