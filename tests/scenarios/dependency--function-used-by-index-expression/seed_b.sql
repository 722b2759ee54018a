INSERT INTO public.u VALUES (1, 'A@x'), (2, 'b@x');
