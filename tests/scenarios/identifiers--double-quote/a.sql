-- a table and columns whose names contain double quotes
CREATE TABLE public."we""ird" ("col""q" int PRIMARY KEY, "a b" text);
