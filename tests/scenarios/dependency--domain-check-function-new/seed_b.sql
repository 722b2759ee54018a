INSERT INTO public.people VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', NULL);
