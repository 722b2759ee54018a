INSERT INTO public.diary VALUES (1, 'ok'), (2, 'happy');
