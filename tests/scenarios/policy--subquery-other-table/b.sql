-- a policy referencing another table through a subquery
CREATE TABLE public.doc (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL DEFAULT 1, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE TABLE public.member (tenant int, role_name text);
CREATE POLICY doc_member ON public.doc USING (tenant IN (SELECT m.tenant FROM public.member m WHERE m.role_name = current_user));
