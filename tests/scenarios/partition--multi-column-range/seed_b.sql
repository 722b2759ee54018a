INSERT INTO public.metric VALUES (2024, 3, 1.5);
