-- one schema with a table replaced by another schema with a different table
CREATE SCHEMA new_app;
CREATE TABLE new_app.products (id int PRIMARY KEY, sku text NOT NULL);
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
