INSERT INTO public.audit (msg) VALUES ('start');
