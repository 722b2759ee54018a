-- an identity given another sequence name (dropped and added again): the new sequence gets the grants
CREATE TABLE public.orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric);
GRANT USAGE ON SEQUENCE public.orders_id_seq TO scenario_reader;
