-- a policy calling a user function
CREATE TABLE public.doc (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL DEFAULT 1, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION public.current_tenant() RETURNS int LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.tenant', true), '0')::int $$;
