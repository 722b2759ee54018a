-- a two-column foreign key changes from MATCH SIMPLE to MATCH FULL
CREATE TABLE public.region (country char(2), code text, name text, PRIMARY KEY (country, code));
CREATE TABLE public.office (id int PRIMARY KEY, country char(2), code text, FOREIGN KEY (country, code) REFERENCES public.region MATCH FULL);
