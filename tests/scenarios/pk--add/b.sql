-- a primary key is added on an existing NOT NULL column
CREATE TABLE public.t (id int NOT NULL PRIMARY KEY, v text);
