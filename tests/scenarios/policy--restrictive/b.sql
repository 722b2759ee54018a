-- a policy is RESTRICTIVE in B and PERMISSIVE in A
CREATE TABLE public.doc (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL DEFAULT 1, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON public.doc AS RESTRICTIVE USING (tenant = current_setting('app.tenant', true)::int);
