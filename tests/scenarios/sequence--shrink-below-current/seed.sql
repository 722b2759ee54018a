SELECT setval('public.order_no_seq', 100); INSERT INTO public.orders (item) VALUES ('a'), ('b');
