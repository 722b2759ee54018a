-- an identity column becomes a plain NOT NULL column
CREATE TABLE public.t (id int NOT NULL PRIMARY KEY, v text);
