INSERT INTO public.members VALUES (1, 'active'), (2, 'gone');
