INSERT INTO public.doc (id, owner_name, tenant, body) VALUES (1, 'alice', 1, 'x'), (2, 'bob', 2, 'y');
