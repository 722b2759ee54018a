-- identity sequence options change (start, increment, cache)
CREATE TABLE public.t (id int GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 5 CACHE 20) PRIMARY KEY, v text);
