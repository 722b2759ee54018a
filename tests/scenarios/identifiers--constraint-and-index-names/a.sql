-- constraint and index names with quotes, unicode and dots
CREATE TABLE public.t (id int, code text, parent int);
