INSERT INTO public.t (id, net) VALUES (1, 100);
