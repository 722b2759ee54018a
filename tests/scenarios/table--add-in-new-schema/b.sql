-- a new schema and a table in it
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
CREATE SCHEMA sales;
CREATE TABLE sales.invoice (id int PRIMARY KEY, total numeric(12,2) NOT NULL DEFAULT 0);
