-- unaccent, fuzzystrmatch and tablefunc are installed in B only
CREATE EXTENSION unaccent;
CREATE EXTENSION fuzzystrmatch;
CREATE EXTENSION tablefunc;
CREATE TABLE public.keep (id int);
