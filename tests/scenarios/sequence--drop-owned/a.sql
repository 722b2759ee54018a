-- a sequence owned by a kept column exists only in A
CREATE SEQUENCE public.counter;
CREATE TABLE public.t (id int, n int DEFAULT nextval('public.counter'));
ALTER SEQUENCE public.counter OWNED BY public.t.n;
