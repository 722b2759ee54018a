-- a server moves to another wrapper (recreated with its user mapping and foreign table), and a foreign table moves to another server
-- requires: extension postgres_fdw
-- requires: extension file_fdw
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER feed FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'feed');
CREATE USER MAPPING FOR PUBLIC SERVER feed OPTIONS (user 'feed');
CREATE FOREIGN TABLE public.feed_items (id int, title text) SERVER feed;
COMMENT ON FOREIGN TABLE public.feed_items IS 'items';
CREATE SERVER one FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'one');
CREATE SERVER two FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'two');
CREATE FOREIGN TABLE public.moving (id int, note text) SERVER one OPTIONS (table_name 'moving');
CREATE VIEW public.moving_notes AS SELECT note FROM public.moving;
