INSERT INTO public.job (state) VALUES ('queued');
