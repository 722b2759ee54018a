INSERT INTO public.anchor VALUES (1);
