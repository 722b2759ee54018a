INSERT INTO public.membership VALUES (1, 10, 'owner'), (1, 11, 'member'), (2, 12, 'member');
