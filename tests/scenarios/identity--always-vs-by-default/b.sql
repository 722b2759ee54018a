-- identity changes from BY DEFAULT to ALWAYS
CREATE TABLE public.t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
