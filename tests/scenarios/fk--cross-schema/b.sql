-- a foreign key from one schema to a table in another
CREATE SCHEMA crm;
CREATE SCHEMA billing;
CREATE TABLE crm.client (id int PRIMARY KEY);
CREATE TABLE billing.bill (id int PRIMARY KEY, client_id int NOT NULL REFERENCES crm.client ON DELETE RESTRICT);
