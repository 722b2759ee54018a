-- a view and view columns with unicode and symbols
CREATE TABLE public.sales (id int PRIMARY KEY, amount numeric);
