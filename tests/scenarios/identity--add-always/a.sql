-- a plain NOT NULL int column becomes GENERATED ALWAYS AS IDENTITY
CREATE TABLE public.t (id int NOT NULL PRIMARY KEY, v text);
