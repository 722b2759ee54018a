-- a feature is removed: tables, view, trigger, function, enum and sequence only in A
CREATE TABLE public.users (id int PRIMARY KEY, email text);
