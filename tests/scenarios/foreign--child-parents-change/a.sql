-- a foreign child's parents change (it is made again: its rows are not local)
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE public.people (id int, name text);
CREATE TABLE public.tagged (tag text);
CREATE TABLE public.dated (at date);
CREATE FOREIGN TABLE public.imported (source text) INHERITS (public.people, public.tagged)
    SERVER files OPTIONS (filename '/dev/null', format 'csv');
CREATE VIEW public.imported_names AS SELECT name, source FROM public.imported;
