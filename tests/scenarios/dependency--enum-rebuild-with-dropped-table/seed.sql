INSERT INTO public.diary VALUES (1, 'meh'); INSERT INTO public.surveys VALUES (1, '{happy,sad}');
