INSERT INTO public."user" VALUES (1, 'x');
