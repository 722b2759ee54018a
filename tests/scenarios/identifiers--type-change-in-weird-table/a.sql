-- a unicode column in a unicode table changes type with data
CREATE TABLE public."Straße" ("Nr" int PRIMARY KEY, "Größe" int);
