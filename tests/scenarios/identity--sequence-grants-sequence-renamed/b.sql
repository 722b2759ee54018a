-- an identity given another sequence name (dropped and added again): the new sequence gets the grants
CREATE TABLE public.orders (id int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME public.order_numbers START WITH 100) PRIMARY KEY, total numeric);
GRANT USAGE ON SEQUENCE public.order_numbers TO scenario_reader, scenario_writer;
