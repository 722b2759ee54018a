-- the public schema exists in A and is dropped in B (objects live elsewhere)
DROP SCHEMA public;
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY);
