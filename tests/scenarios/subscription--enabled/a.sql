-- a subscription is enabled (its worker cannot reach the publisher, which changes nothing here) and another disabled
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION starts CONNECTION 'host=/nonexistent/socket dbname=shop' PUBLICATION p WITH (connect = false, slot_name = 'starts_slot');
CREATE SUBSCRIPTION stops CONNECTION 'host=/nonexistent/socket dbname=shop' PUBLICATION p WITH (connect = false, slot_name = 'stops_slot');
ALTER SUBSCRIPTION stops ENABLE;
