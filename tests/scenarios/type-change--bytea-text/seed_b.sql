INSERT INTO public.t (id, c) VALUES (1, '\x41');
