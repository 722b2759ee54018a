INSERT INTO public.invoice (total) VALUES (10), (20);
