-- a new table with a primary key
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
CREATE TABLE public.orders (id bigint PRIMARY KEY, note text, placed_at timestamptz NOT NULL DEFAULT now());
