INSERT INTO public.boat VALUES (1, 'dinghy', 3);
