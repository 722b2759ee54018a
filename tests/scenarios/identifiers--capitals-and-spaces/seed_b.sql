INSERT INTO public."Order Items" VALUES (1, 9.99, 2);
