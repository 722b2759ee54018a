INSERT INTO public.cache VALUES ('a', '\x00'), ('b', NULL);
