-- schema USAGE and CREATE grants to roles
CREATE SCHEMA app;
CREATE TABLE app.t (id int);
