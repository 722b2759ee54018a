-- rows in the child only: the parent goes
INSERT INTO public.item VALUES (1, '2021-01-01', 'a'), (2, '2022-01-01', 'b');
