-- a partitioned audit table, a generic trigger function, triggers on two tables, grants
CREATE SCHEMA audit;
CREATE TABLE public.customer (id int PRIMARY KEY, name text);
CREATE TABLE public.invoice (id int PRIMARY KEY, customer_id int REFERENCES public.customer, amount numeric);
CREATE TABLE audit.log (id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz NOT NULL DEFAULT now(), tbl text NOT NULL, op text NOT NULL, row_data jsonb, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE audit.log_default PARTITION OF audit.log DEFAULT;
CREATE INDEX log_tbl_idx ON audit.log (tbl, at);
CREATE FUNCTION audit.capture() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO audit.log (tbl, op, row_data) VALUES (TG_TABLE_NAME, TG_OP, to_jsonb(coalesce(NEW, OLD)));
  RETURN NULL;
END $$;
CREATE TRIGGER customer_audit AFTER INSERT OR UPDATE OR DELETE ON public.customer FOR EACH ROW EXECUTE FUNCTION audit.capture();
CREATE TRIGGER invoice_audit AFTER INSERT OR UPDATE OR DELETE ON public.invoice FOR EACH ROW EXECUTE FUNCTION audit.capture();
REVOKE ALL ON audit.log FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO scenario_admin;
GRANT SELECT ON audit.log TO scenario_admin;
COMMENT ON TABLE audit.log IS 'row changes';
