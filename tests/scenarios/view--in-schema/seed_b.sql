INSERT INTO public.account VALUES (1, 'a@x', true, 10), (2, 'b@x', false, 0);
