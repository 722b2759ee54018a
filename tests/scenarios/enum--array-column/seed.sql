INSERT INTO public.palette VALUES (1, '{red,green}'), (2, '{}');
