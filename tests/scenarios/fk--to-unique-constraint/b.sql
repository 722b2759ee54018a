-- a foreign key references a UNIQUE column rather than the primary key
CREATE TABLE public.account (id int PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE public.login (id int PRIMARY KEY, account_code text REFERENCES public.account (code) ON UPDATE CASCADE);
