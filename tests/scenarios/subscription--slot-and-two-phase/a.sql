-- a slot name is set, renamed and removed; two_phase changes (the subscription is made again)
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION gets_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE);
CREATE SUBSCRIPTION moves_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = 'old_slot');
CREATE SUBSCRIPTION loses_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false);
ALTER SUBSCRIPTION loses_slot ENABLE;
CREATE SUBSCRIPTION phases CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE);
COMMENT ON SUBSCRIPTION phases IS 'kept across the rebuild';
