-- a new schema holding a table, a sequence, a view and a function
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
CREATE SCHEMA app;
CREATE SEQUENCE app.ticket_no START 100;
CREATE TABLE app.tickets (id int PRIMARY KEY, no int NOT NULL DEFAULT nextval('app.ticket_no'), title text);
CREATE VIEW app.open_tickets AS SELECT id, title FROM app.tickets;
CREATE FUNCTION app.ticket_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM app.tickets $$;
