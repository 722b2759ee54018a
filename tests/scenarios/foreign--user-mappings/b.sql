-- user mappings: a password changes, an option is added and one dropped, mappings come and go
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (user 'app', password 'n3w ''quoted''');
CREATE USER MAPPING FOR scenario_reader SERVER billing OPTIONS (user 'reader2', sslkey '/keys/reader.key');
CREATE USER MAPPING FOR scenario_writer SERVER billing OPTIONS (user 'writer', password 'w');
