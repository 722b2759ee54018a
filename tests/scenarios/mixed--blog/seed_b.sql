INSERT INTO public.post (title, body) VALUES ('one', 'x'), ('two', NULL);
