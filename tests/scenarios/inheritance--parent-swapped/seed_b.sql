-- rows in the parents only: a child's rows count in its parent's
INSERT INTO public.vehicle VALUES (1, 'v');
INSERT INTO public.machine VALUES (1, 'm', 's1');
