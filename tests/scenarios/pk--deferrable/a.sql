-- the primary key becomes DEFERRABLE INITIALLY DEFERRED
CREATE TABLE public.t (id int PRIMARY KEY, pos int);
