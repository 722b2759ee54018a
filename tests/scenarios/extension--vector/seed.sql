INSERT INTO public.emb VALUES (1), (2);
