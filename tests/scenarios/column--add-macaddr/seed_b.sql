INSERT INTO public.t (id, c) VALUES (1, '08:00:2b:01:02:03'), (2, NULL), (3, '08:00:2b:01:02:03');
