-- cube and intarray, with a gist__int_ops index
-- requires: extension cube
-- requires: extension intarray
CREATE TABLE public.p (id int PRIMARY KEY, ids int[]);
