-- table and column names containing dots
CREATE TABLE public."a.b" ("c.d" int PRIMARY KEY, "e.f" text);
CREATE INDEX "a.b_e.f_idx" ON public."a.b" ("e.f");
