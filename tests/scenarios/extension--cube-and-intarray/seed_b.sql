INSERT INTO public.p VALUES (1, '{1,2}');
