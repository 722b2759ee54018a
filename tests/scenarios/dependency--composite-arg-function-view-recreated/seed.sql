INSERT INTO public.products VALUES (1, 'pen', 1.50, 10), (2, 'ink', 3.00, 0);
