-- a policy's TO roles change
CREATE TABLE public.doc (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL DEFAULT 1, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
CREATE POLICY doc_read ON public.doc FOR SELECT TO scenario_reader USING (published);
