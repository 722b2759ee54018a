INSERT INTO public.diary VALUES (1, 'sad'), (2, 'ok');
