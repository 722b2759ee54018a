INSERT INTO public.u VALUES (1, 'Ann');
