-- timestamp becomes timestamptz
CREATE TABLE public.t (id int PRIMARY KEY, c timestamp);
