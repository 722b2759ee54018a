-- a column gains a nextval() default on an existing sequence
CREATE SEQUENCE public.counter;
CREATE TABLE public.t (id int PRIMARY KEY, n bigint);
