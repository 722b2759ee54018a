-- a function returns SETOF a table's row type; in B the table is replaced by a view of the same name (its row type goes with it)
CREATE SCHEMA app;
CREATE TABLE app.users (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.accounts (id int PRIMARY KEY, name text NOT NULL, active boolean NOT NULL DEFAULT true);
CREATE FUNCTION app.get_users() RETURNS SETOF app.users LANGUAGE sql STABLE AS $$ SELECT * FROM app.users $$;
