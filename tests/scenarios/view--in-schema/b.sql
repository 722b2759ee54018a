-- a view in another schema reading a public table
CREATE TABLE public.account (id int PRIMARY KEY, email text NOT NULL, active boolean NOT NULL DEFAULT true, balance numeric(12,2) DEFAULT 0);
CREATE SCHEMA api;
CREATE VIEW api.accounts AS SELECT id, email FROM public.account;
