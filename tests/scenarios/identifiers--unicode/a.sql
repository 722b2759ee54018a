-- unicode table, column and constraint names
CREATE TABLE public."表" ("Ünïcödé" text, "名前" text);
