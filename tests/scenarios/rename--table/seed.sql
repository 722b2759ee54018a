INSERT INTO public.customers VALUES (1, 'a@x'), (2, 'b@x');
