-- the primary key goes from one column to a composite key
CREATE TABLE public.membership (org_id int NOT NULL, user_id int NOT NULL, role text, PRIMARY KEY (org_id, user_id));
