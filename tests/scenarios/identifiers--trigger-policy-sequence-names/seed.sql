INSERT INTO public."Notes" VALUES (1, 'b', NULL);
