-- a table lives in public in A and in schema app in B
CREATE SCHEMA app;
CREATE TABLE public.settings (key text PRIMARY KEY, value text);
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
