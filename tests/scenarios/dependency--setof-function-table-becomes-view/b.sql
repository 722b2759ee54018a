-- a function returns SETOF a table's row type; in B the table is replaced by a view of the same name (its row type goes with it)
CREATE SCHEMA app;
CREATE TABLE app.accounts (id int PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE VIEW app.users AS SELECT id, name FROM app.accounts WHERE active;
CREATE FUNCTION app.get_users() RETURNS SETOF app.users LANGUAGE sql STABLE AS $$ SELECT * FROM app.users $$;
