INSERT INTO public."表" VALUES ('ä', '名'), ('ö', NULL);
