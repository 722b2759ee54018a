-- hstore is installed; a column uses it with a gin index
CREATE EXTENSION hstore;
CREATE TABLE public.p (id int PRIMARY KEY, attrs hstore);
CREATE INDEX p_attrs_idx ON public.p USING gin (attrs);
