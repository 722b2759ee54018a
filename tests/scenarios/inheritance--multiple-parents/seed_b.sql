INSERT INTO public.vehicle VALUES (1, 'bike');
INSERT INTO public.audited VALUES ('2024-01-01 00:00+00');
