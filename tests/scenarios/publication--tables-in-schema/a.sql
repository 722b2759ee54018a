-- a FOR TABLES IN SCHEMA publication plus a table
CREATE SCHEMA feed;
CREATE TABLE public.orders (id int PRIMARY KEY, customer text, total numeric, status text);
CREATE TABLE public.customers (id int PRIMARY KEY, name text);
CREATE TABLE feed.news (id int PRIMARY KEY, title text);
