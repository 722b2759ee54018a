-- one sequence feeds defaults in two tables
CREATE SEQUENCE public.global_id;
CREATE TABLE public.a (id bigint PRIMARY KEY);
CREATE TABLE public.b (id bigint PRIMARY KEY);
