-- subscriptions come and go: one without a slot, one with the slot name connect = false gives it, with a comment
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION keep_me CONNECTION 'host=replica.invalid dbname=shop user=sub password=k33p' PUBLICATION shop_pub WITH (connect = false, slot_name = NONE);
CREATE SUBSCRIPTION no_slot CONNECTION 'host=primary.invalid dbname=shop password=s3cret' PUBLICATION shop_pub WITH (connect = false, slot_name = NONE);
CREATE SUBSCRIPTION "With Slot" CONNECTION 'host=primary.invalid port=6543 dbname=shop' PUBLICATION "Pub One", pub_two WITH (connect = false);
COMMENT ON SUBSCRIPTION "With Slot" IS 'orders from the shop''s primary';
