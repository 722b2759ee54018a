-- a uuid column gains a gen_random_uuid() default
CREATE TABLE public.t (id int PRIMARY KEY, u uuid DEFAULT gen_random_uuid());
