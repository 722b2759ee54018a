-- tenants table, tenant_id columns with defaults and FKs, RLS policies and indexes
CREATE TABLE public.tenant (id int PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE FUNCTION public.current_tenant() RETURNS int LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.tenant', true), '')::int $$;
CREATE TABLE public.project (id int PRIMARY KEY, tenant_id int NOT NULL DEFAULT 1, name text NOT NULL, UNIQUE (tenant_id, name));
CREATE TABLE public.task (id int PRIMARY KEY, tenant_id int NOT NULL DEFAULT 1, project_id int NOT NULL REFERENCES public.project, title text NOT NULL);
CREATE INDEX task_tenant_idx ON public.task (tenant_id, project_id);
ALTER TABLE public.project ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_tenant ON public.project USING (tenant_id = public.current_tenant());
CREATE POLICY task_tenant ON public.task USING (tenant_id = public.current_tenant()) WITH CHECK (tenant_id = public.current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON public.project, public.task TO scenario_writer;
