INSERT INTO public.products VALUES (10, 'pen'), (20, 'ink');
INSERT INTO public.order_items VALUES (1, 10), (1, 20);
