-- grants on identity sequences of a new table, a new column and a column that becomes an identity
CREATE TABLE public.orders (id int NOT NULL, total numeric);
