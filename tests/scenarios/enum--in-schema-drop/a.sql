-- an enum in another schema, used by a table, exists only in A
CREATE SCHEMA ref;
CREATE TYPE ref.size AS ENUM ('s', 'm', 'l');
CREATE TABLE public.shirt (id int PRIMARY KEY, size ref.size);
