-- a column looks renamed but no answer is given (drop + add)
CREATE TABLE public.people (id int PRIMARY KEY, family_name text, born date);
