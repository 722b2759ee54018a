-- row-level security is FORCEd in B
CREATE TABLE public.doc (id int PRIMARY KEY, owner_name text NOT NULL DEFAULT current_user, tenant int NOT NULL DEFAULT 1, body text, published boolean NOT NULL DEFAULT false);
ALTER TABLE public.doc ENABLE ROW LEVEL SECURITY;
