INSERT INTO public.t VALUES ('a'), ('b');
