-- a subscription's connection (its password), owner and comment change
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scenario_super') THEN
    CREATE ROLE scenario_super SUPERUSER NOLOGIN;  -- before 16 a subscription's owner must be a superuser
  END IF;
END $$;
CREATE SUBSCRIPTION feed CONNECTION 'host=primary.invalid dbname=shop user=app password=''old pass''' PUBLICATION p WITH (connect = false, slot_name = NONE);
COMMENT ON SUBSCRIPTION feed IS 'old comment';
CREATE SUBSCRIPTION other CONNECTION 'dbname=shop' PUBLICATION p WITH (connect = false, slot_name = NONE);
ALTER SUBSCRIPTION other OWNER TO scenario_super;
