-- a table and one of its columns are both renamed; answered
CREATE TABLE public.employee (id int, name text, CONSTRAINT staff_pk PRIMARY KEY (id));
