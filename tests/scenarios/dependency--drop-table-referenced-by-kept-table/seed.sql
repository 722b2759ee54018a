INSERT INTO public.country VALUES ('de');
INSERT INTO public.address VALUES (1, 'de');
