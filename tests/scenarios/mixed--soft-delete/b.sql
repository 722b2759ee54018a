-- deleted_at columns, partial unique index, active view, trigger converting deletes
CREATE TABLE public.account (id int PRIMARY KEY, username text NOT NULL, deleted_at timestamptz);
CREATE UNIQUE INDEX account_username_live ON public.account (username) WHERE deleted_at IS NULL;
CREATE VIEW public.live_account AS SELECT id, username FROM public.account WHERE deleted_at IS NULL;
CREATE FUNCTION public.soft_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE public.account SET deleted_at = now() WHERE id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER account_soft_delete BEFORE DELETE ON public.account FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION public.soft_delete();
