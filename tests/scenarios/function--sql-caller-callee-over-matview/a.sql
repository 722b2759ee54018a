-- plain SQL functions call BEGIN ATOMIC ones over a materialized view and a view (created later by rank); a new materialized view and a CHECK call the plain ones, so they run (and inline them) as they are made
CREATE TABLE public.sales (id int PRIMARY KEY, amount numeric NOT NULL);
