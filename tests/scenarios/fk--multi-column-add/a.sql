-- a two-column foreign key is added
CREATE TABLE public.region (country char(2), code text, name text, PRIMARY KEY (country, code));
CREATE TABLE public.office (id int PRIMARY KEY, country char(2), code text);
