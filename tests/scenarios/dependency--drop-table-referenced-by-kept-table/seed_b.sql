INSERT INTO public.address VALUES (1, NULL);
