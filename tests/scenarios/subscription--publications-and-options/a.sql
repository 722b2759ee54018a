-- a subscription's publications and options change in place
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION feed CONNECTION 'dbname=shop password=pw' PUBLICATION p_orders, p_customers WITH (connect = false, slot_name = NONE, binary = true, synchronous_commit = 'local');
