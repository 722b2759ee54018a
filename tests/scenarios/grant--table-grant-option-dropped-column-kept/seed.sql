INSERT INTO public.ledger VALUES (1, 5, 'm');
