-- a view, a domain over its row type and functions over both (one calling another in a BEGIN ATOMIC body) exist only in A
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL, status text NOT NULL);
CREATE VIEW public.open_orders AS SELECT id, total FROM public.orders WHERE status = 'open';
CREATE DOMAIN public.open_order AS public.open_orders CHECK ((VALUE).total >= 0);
CREATE FUNCTION public.order_total(o public.open_orders) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT o.total $$;
CREATE FUNCTION public.checked(o public.open_order) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE FUNCTION public.open_total() RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT sum(public.order_total(v.*)) FROM public.open_orders v;
END;
CREATE FUNCTION public.list_open() RETURNS SETOF public.open_orders LANGUAGE sql STABLE AS $$ SELECT * FROM public.open_orders $$;
