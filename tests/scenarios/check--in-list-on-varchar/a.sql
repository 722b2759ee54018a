-- CHECKs PostgreSQL prints in a form that reads back differently (IN lists on varchar and char: a cast of the whole ARRAY[...]) are added, on a table and a domain
CREATE TABLE public.orders (id int PRIMARY KEY, status varchar(10), code char(2), note text);
CREATE DOMAIN public.size AS varchar(4);
