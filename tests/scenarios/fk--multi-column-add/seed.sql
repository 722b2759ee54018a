INSERT INTO public.region VALUES ('DE', 'BY', 'Bayern'), ('FR', 'IDF', 'Ile-de-France');
INSERT INTO public.office VALUES (1, 'DE', 'BY'), (2, NULL, NULL);
