-- two NOT NULL columns become nullable
CREATE TABLE public.t (id int PRIMARY KEY, a int, b text, c date);
