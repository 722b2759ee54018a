-- the public schema exists in A and is dropped in B (objects live elsewhere)
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY);
