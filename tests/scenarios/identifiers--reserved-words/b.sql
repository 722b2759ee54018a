-- tables and columns named with reserved words
CREATE TABLE public."user" ("select" int PRIMARY KEY, "from" text, "order" int);
CREATE TABLE public."order" ("table" int PRIMARY KEY, "user" int REFERENCES public."user" ("select"));
CREATE INDEX "where" ON public."user" ("order");
