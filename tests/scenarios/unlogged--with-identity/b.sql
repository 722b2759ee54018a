-- an unlogged table with an identity column becomes logged
CREATE TABLE public.job (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state text);
