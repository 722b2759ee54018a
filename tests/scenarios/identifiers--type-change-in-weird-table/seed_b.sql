INSERT INTO public."Straße" VALUES (1, 42);
