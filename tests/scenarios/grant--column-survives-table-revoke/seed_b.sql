INSERT INTO public.customer VALUES (1, 'n', '4111');
