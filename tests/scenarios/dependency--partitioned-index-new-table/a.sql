-- a new partitioned table with a partitioned primary key, index and a referencing FK
CREATE TABLE public.keep (id int PRIMARY KEY);
