-- a server moves to another wrapper (recreated with its user mapping and foreign table), and a foreign table moves to another server
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER feed FOREIGN DATA WRAPPER file_fdw;
CREATE USER MAPPING FOR PUBLIC SERVER feed;
CREATE FOREIGN TABLE public.feed_items (id int, title text) SERVER feed
    OPTIONS (filename '/nonexistent/feed.csv', format 'csv');
COMMENT ON FOREIGN TABLE public.feed_items IS 'items';
CREATE SERVER one FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'one');
CREATE SERVER two FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'two');
CREATE FOREIGN TABLE public.moving (id int, note text) SERVER two OPTIONS (table_name 'moving');
CREATE VIEW public.moving_notes AS SELECT note FROM public.moving;
