-- a view and view columns with unicode and symbols
CREATE TABLE public.sales (id int PRIMARY KEY, amount numeric);
CREATE VIEW public."Übersicht" AS SELECT count(*) AS "Anzahl", sum(amount) AS "Total €" FROM public.sales;
