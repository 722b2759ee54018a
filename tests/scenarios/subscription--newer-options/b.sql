-- options of PostgreSQL 16 and 17: origin, password_required, run_as_owner, parallel streaming, failover (made again)
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SUBSCRIPTION feed CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE, streaming = parallel, origin = none, password_required = false, run_as_owner = true);
CREATE SUBSCRIPTION fails_over CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE, failover = true);
