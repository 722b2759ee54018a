INSERT INTO public."we""ird" VALUES (1, 'x');
