INSERT INTO public.users (id, email) VALUES (1, 'a@x');
