-- a new table with identity, defaults, checks, unique, FK, index and comment
CREATE TABLE public.customer (id int PRIMARY KEY, email text UNIQUE);
CREATE TABLE public.purchase (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id int NOT NULL REFERENCES public.customer ON DELETE CASCADE,
    amount numeric(10,2) NOT NULL CHECK (amount >= 0),
    currency char(3) NOT NULL DEFAULT 'EUR',
    ref text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_customer_idx ON public.purchase (customer_id, created_at DESC);
COMMENT ON TABLE public.purchase IS 'one row per purchase';
