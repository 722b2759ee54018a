-- a table and columns whose names contain double quotes
CREATE TABLE public."we""ird" ("col""q" int PRIMARY KEY, "a b" text, "x""y z" int DEFAULT 0);
CREATE INDEX "we""ird idx" ON public."we""ird" ("a b");
