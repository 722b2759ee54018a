-- identity sequence options change (start, increment, cache)
CREATE TABLE public.t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
