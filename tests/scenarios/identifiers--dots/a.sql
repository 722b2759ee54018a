-- table and column names containing dots
CREATE TABLE public."a.b" ("c.d" int PRIMARY KEY);
