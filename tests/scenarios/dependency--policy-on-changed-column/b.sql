-- a policy references a column whose type changes
CREATE TABLE public.doc (id int PRIMARY KEY, tenant bigint NOT NULL);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_tenant ON public.doc USING (tenant = 1);
