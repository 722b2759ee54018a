INSERT INTO public.users VALUES (1, 'Ann', 30), (2, 'Bob', NULL);
