INSERT INTO public.zone VALUES (1, '<(0,0),1>'), (2, '<(5,5),1>');
