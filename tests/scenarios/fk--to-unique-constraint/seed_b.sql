INSERT INTO public.account VALUES (1, 'acme');
INSERT INTO public.login VALUES (1, 'acme'), (2, NULL);
