-- default privileges for scenario_admin appear together with a table scenario_admin owns
CREATE SCHEMA app;
CREATE TABLE app.keep (id int);
