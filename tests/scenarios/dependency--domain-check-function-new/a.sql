-- a domain and the function its CHECK calls are new; the function takes the domain's base type and a new enum
CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL);
