-- column storage strategies EXTERNAL and MAIN
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
