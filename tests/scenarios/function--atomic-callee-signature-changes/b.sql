-- the function a BEGIN ATOMIC function calls changes its signature (int -> bigint), and the caller calls the new one
CREATE TABLE public.accounts (id int PRIMARY KEY, cents bigint NOT NULL);
CREATE FUNCTION public.to_money(cents bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT cents / 100.0 $$;
CREATE FUNCTION public.balance(account_id int) RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT public.to_money(a.cents) FROM public.accounts a WHERE a.id = account_id;
END;
CREATE VIEW public.balances AS SELECT id, public.balance(id) AS balance FROM public.accounts;
