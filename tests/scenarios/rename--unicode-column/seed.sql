INSERT INTO public."Kunde" VALUES (1, 'Hauptstr. 1');
