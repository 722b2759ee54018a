INSERT INTO public.base VALUES (1, 'base');
INSERT INTO public.derived VALUES (2, 'base', 1);
