-- grants to three roles in A and none in B
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
