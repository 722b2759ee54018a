-- rows in the parent only: a child's rows count in its parent's once it inherits
INSERT INTO public.vehicle VALUES (1, 'v'), (2, 'w');
