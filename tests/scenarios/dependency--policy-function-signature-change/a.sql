-- a policy calls a function whose return type changes
CREATE FUNCTION public.cur_tenant() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 1 $$;
CREATE TABLE public.doc (id int PRIMARY KEY, tenant bigint NOT NULL);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_tenant ON public.doc USING (tenant = public.cur_tenant());
