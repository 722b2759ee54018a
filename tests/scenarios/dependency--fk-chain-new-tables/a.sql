-- three new tables chained by foreign keys, plus a self reference
CREATE TABLE public.keep (id int PRIMARY KEY);
