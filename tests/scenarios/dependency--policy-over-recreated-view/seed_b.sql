INSERT INTO public.members VALUES ('alice', 1, 'owner');
INSERT INTO public.documents VALUES (1, 1, 'hello');
