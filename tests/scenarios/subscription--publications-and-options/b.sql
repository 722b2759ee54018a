-- a subscription's publications and options change in place
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION feed CONNECTION 'dbname=shop password=pw' PUBLICATION p_invoices, p_orders, "P Mixed" WITH (connect = false, slot_name = NONE, streaming = on, disable_on_error = true, synchronous_commit = 'remote_apply');
