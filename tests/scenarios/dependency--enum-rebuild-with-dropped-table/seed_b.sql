INSERT INTO public.surveys VALUES (1, '{happy,sad}');
