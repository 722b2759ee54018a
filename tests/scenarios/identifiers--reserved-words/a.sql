-- tables and columns named with reserved words
CREATE TABLE public."user" ("select" int PRIMARY KEY, "from" text);
