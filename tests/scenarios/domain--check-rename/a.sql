-- a domain's CHECK has another name
CREATE DOMAIN public.d AS int CONSTRAINT d_check CHECK (VALUE > 0);
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
