INSERT INTO public.doc VALUES (1, 'Hello', 'A@x.org', '{"a": 1}', '{x,y}', 5, '2024-01-01', '(1,1)', '[1,5)'), (2, 'World', 'b@x.org', '{}', '{}', NULL, '2024-02-01', '(2,2)', '[2,9)');
