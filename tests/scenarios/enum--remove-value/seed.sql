INSERT INTO public.diary VALUES (1, 'sad'), (2, 'happy'), (3, NULL);
