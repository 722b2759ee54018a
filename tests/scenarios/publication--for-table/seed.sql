INSERT INTO public.orders VALUES (1, 'c', 10, 'paid');
INSERT INTO public.customers VALUES (1, 'c');
INSERT INTO feed.news VALUES (1, 'hello');
