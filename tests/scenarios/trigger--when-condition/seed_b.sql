INSERT INTO public.item (id, name, price) VALUES (1, 'pen', 1.5), (2, 'ink', 4);
