INSERT INTO public.customer VALUES (1, 'a@example.com'), (2, 'b@example.com');
