-- one schema with a table replaced by another schema with a different table
CREATE SCHEMA old_app;
CREATE TABLE old_app.items (id int PRIMARY KEY, name text);
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
