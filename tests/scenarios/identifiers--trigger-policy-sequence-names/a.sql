-- trigger, policy and sequence names with quotes and spaces
CREATE TABLE public."Notes" (id int PRIMARY KEY, body text, touched timestamptz);
