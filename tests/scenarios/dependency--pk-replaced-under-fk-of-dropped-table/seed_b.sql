INSERT INTO public.products VALUES (10, 'pen'), (20, 'ink');
