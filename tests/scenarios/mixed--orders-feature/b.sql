-- add orders table + FK + index + users column type change + new view
CREATE TABLE public.users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE public.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id int NOT NULL REFERENCES public.users ON DELETE CASCADE,
    status public.order_status NOT NULL DEFAULT 'pending',
    total numeric(12,2) NOT NULL CHECK (total >= 0),
    placed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_idx ON public.orders (user_id, placed_at DESC);
CREATE VIEW public.user_totals AS
  SELECT u.id, u.email, count(o.id) AS orders, coalesce(sum(o.total), 0) AS spent
  FROM public.users u LEFT JOIN public.orders o ON o.user_id = u.id GROUP BY u.id, u.email;
