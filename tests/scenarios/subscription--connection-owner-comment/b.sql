-- a subscription's connection (its password), owner and comment change
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scenario_super') THEN
    CREATE ROLE scenario_super SUPERUSER NOLOGIN;  -- before 16 a subscription's owner must be a superuser
  END IF;
END $$;
CREATE SUBSCRIPTION feed CONNECTION 'host=standby.invalid dbname=shop user=app password=n3w' PUBLICATION p WITH (connect = false, slot_name = NONE);
ALTER SUBSCRIPTION feed OWNER TO scenario_super;
CREATE SUBSCRIPTION other CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE);
COMMENT ON SUBSCRIPTION other IS 'now described';
