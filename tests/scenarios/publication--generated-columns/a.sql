-- publish_generated_columns = stored (PostgreSQL 18)
-- requires: PostgreSQL 18
CREATE SCHEMA feed;
CREATE TABLE public.orders (id int PRIMARY KEY, customer text, total numeric, status text);
CREATE TABLE public.customers (id int PRIMARY KEY, name text);
CREATE TABLE feed.news (id int PRIMARY KEY, title text);
CREATE PUBLICATION orders_pub FOR TABLE public.orders;
