-- timestamptz(6) becomes timestamptz(0)
CREATE TABLE public.t (id int PRIMARY KEY, c timestamptz(6));
