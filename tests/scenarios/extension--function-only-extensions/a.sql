-- unaccent, fuzzystrmatch and tablefunc are installed in B only
-- requires: extension fuzzystrmatch
-- requires: extension tablefunc
-- requires: extension unaccent
CREATE TABLE public.keep (id int);
