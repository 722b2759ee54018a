-- unicode table, column and constraint names
CREATE TABLE public."表" ("Ünïcödé" text NOT NULL, "名前" text, "Größe" int, CONSTRAINT "Ünïcödé_uq" UNIQUE ("Ünïcödé"));
