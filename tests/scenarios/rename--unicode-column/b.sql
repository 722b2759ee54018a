-- a column with unicode and spaces is renamed; answered
CREATE TABLE public."Kunde" (id int PRIMARY KEY, "Straße und Nr" text);
