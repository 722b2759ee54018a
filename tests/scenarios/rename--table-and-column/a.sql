-- a table and one of its columns are both renamed; answered
CREATE TABLE public.staff (id int, nm text, CONSTRAINT staff_pk PRIMARY KEY (id));
