INSERT INTO public.project (id, name) VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO public.task (id, project_id, title) VALUES (1, 1, 'a'), (2, 2, 'b');
