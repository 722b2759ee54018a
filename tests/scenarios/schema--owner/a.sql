-- schema owner changes from the superuser to scenario_admin
CREATE SCHEMA app;
CREATE TABLE app.t (id int);
