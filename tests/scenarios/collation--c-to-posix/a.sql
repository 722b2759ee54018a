-- a column collation changes from "C" to "POSIX"
CREATE TABLE public.t (id int PRIMARY KEY, name varchar(20) COLLATE "C");
