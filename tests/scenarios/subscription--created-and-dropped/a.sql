-- subscriptions come and go: one without a slot, one with the slot name connect = false gives it, with a comment
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION keep_me CONNECTION 'host=replica.invalid dbname=shop user=sub password=k33p' PUBLICATION shop_pub WITH (connect = false, slot_name = NONE);
