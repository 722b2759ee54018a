INSERT INTO public.node VALUES (1, 'top.science'), (2, 'top.art');
