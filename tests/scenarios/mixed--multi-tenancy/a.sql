-- tenants table, tenant_id columns with defaults and FKs, RLS policies and indexes
CREATE TABLE public.project (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.task (id int PRIMARY KEY, project_id int NOT NULL REFERENCES public.project, title text NOT NULL);
