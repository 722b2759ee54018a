-- a nullable int column becomes GENERATED ALWAYS AS IDENTITY (and so NOT NULL) in one change
CREATE TABLE public.ticket (id int GENERATED ALWAYS AS IDENTITY, subject text);
