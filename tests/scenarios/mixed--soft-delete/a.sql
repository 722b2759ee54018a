-- deleted_at columns, partial unique index, active view, trigger converting deletes
CREATE TABLE public.account (id int PRIMARY KEY, username text NOT NULL, CONSTRAINT account_username_key UNIQUE (username));
