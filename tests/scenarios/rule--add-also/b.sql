-- a DO ALSO rule logs inserts
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE TABLE public.t_log (id int, v text, at timestamptz DEFAULT now());
CREATE RULE t_log_insert AS ON INSERT TO public.t DO ALSO INSERT INTO public.t_log (id, v) VALUES (NEW.id, NEW.v);
