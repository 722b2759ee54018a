-- rows in the parents only: a child's rows count in its parents'
INSERT INTO public.tracked VALUES ('2024-01-01');
INSERT INTO public.named VALUES ('n');
