INSERT INTO public.clients VALUES (1, 'a@x'), (2, 'b@x');
