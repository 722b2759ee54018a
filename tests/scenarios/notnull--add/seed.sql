INSERT INTO public.t VALUES (1, 'a@x'), (2, 'b@x');
