-- a table with a serial key and auto-named constraints is renamed; answered
CREATE TABLE public.orders (id serial PRIMARY KEY, note text NOT NULL);
CREATE INDEX ON public.orders (note);
