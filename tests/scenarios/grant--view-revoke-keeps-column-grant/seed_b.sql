INSERT INTO public.member VALUES (1, 'e', 'gold');
