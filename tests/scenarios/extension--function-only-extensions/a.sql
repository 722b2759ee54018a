-- unaccent, fuzzystrmatch and tablefunc are installed in B only
CREATE TABLE public.keep (id int);
