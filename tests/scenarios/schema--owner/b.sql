-- schema owner changes from the superuser to scenario_admin
CREATE SCHEMA app AUTHORIZATION scenario_admin;
CREATE TABLE app.t (id int);
