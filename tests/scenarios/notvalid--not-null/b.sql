-- a NOT NULL constraint added NOT VALID in B (PostgreSQL 18)
CREATE TABLE public.t (id int PRIMARY KEY, email text);
ALTER TABLE public.t ADD CONSTRAINT t_email_not_null NOT NULL email NOT VALID;
