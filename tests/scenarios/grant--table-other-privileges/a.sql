-- TRUNCATE, REFERENCES, TRIGGER and MAINTAIN privileges
-- requires: PostgreSQL 17
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
