-- a composite type and a domain with quoted names and attributes
CREATE TABLE public.keep (id int);
CREATE TYPE public."Pair Type" AS ("Left" int, "right side" text);
CREATE DOMAIN public."Positive Int" AS int CONSTRAINT "must be > 0" CHECK (VALUE > 0);
CREATE TABLE public."Uses Types" (p public."Pair Type", n public."Positive Int");
