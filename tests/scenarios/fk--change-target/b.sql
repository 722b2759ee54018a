-- a foreign key points at a different table in B
CREATE TABLE public.person (id int PRIMARY KEY);
CREATE TABLE public.company (id int PRIMARY KEY);
CREATE TABLE public.contract (id int PRIMARY KEY, party_id int, CONSTRAINT contract_party_fk FOREIGN KEY (party_id) REFERENCES public.company);
