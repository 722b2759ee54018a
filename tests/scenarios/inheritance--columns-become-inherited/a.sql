-- a stand-alone table starts inheriting: in B its parent's columns are only inherited (not declared by the child)
CREATE TABLE public.vehicle (id int NOT NULL, name text DEFAULT 'x');
CREATE TABLE public.car (id int NOT NULL, name text DEFAULT 'x', seats int);
