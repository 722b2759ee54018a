INSERT INTO public.s VALUES (1, 'it''s'), (2, '表');
