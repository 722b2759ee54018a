-- user mappings: a password changes, an option is added and one dropped, mappings come and go
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (user 'app', password 'old');
CREATE USER MAPPING FOR scenario_reader SERVER billing OPTIONS (user 'reader', password_required 'false');
CREATE USER MAPPING FOR scenario_admin SERVER billing;
