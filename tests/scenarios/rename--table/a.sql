-- a table is renamed (same columns, explicitly named constraints); answered
CREATE TABLE public.customers (id int CONSTRAINT cust_id_nn NOT NULL, email text, CONSTRAINT cust_pk PRIMARY KEY (id), CONSTRAINT cust_email_uq UNIQUE (email));
