-- a primary key is dropped but its column stays NOT NULL
CREATE TABLE public.t (id int NOT NULL, v text);
