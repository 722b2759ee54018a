-- two NOT NULL columns become nullable
CREATE TABLE public.t (id int PRIMARY KEY, a int NOT NULL, b text NOT NULL, c date);
