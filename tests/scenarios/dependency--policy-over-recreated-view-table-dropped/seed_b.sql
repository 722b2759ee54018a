INSERT INTO public.members VALUES ('alice', 1, 'owner');
INSERT INTO public.notes VALUES (1, 1);
