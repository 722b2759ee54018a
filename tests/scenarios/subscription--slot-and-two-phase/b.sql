-- a slot name is set, renamed and removed; two_phase changes (the subscription is made again)
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION gets_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = 'new_slot');
CREATE SUBSCRIPTION moves_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = 'renamed_slot');
ALTER SUBSCRIPTION moves_slot ENABLE;
CREATE SUBSCRIPTION loses_slot CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE);
CREATE SUBSCRIPTION phases CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE, two_phase = true);
COMMENT ON SUBSCRIPTION phases IS 'kept across the rebuild';
