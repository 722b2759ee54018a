INSERT INTO public.users (email, name, created_at) VALUES ('a@x.org', 'Ann', '2024-01-01 10:00'), ('b@x.org', NULL, '2024-02-01 11:00');
