INSERT INTO public."a.b" VALUES (1);
