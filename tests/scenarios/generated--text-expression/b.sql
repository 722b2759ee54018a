-- a generated search column built from text columns
CREATE TABLE public.person (id int PRIMARY KEY, first text, last text,
full_name text GENERATED ALWAYS AS (coalesce(first, '') || ' ' || coalesce(last, '')) STORED,
search tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(first, '') || ' ' || coalesce(last, ''))) STORED);
