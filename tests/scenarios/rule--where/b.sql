-- a rule with a WHERE condition
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE TABLE public.t_log (id int, v text, at timestamptz DEFAULT now());
CREATE RULE t_log_update AS ON UPDATE TO public.t WHERE OLD.v IS DISTINCT FROM NEW.v DO ALSO INSERT INTO public.t_log (id, v) VALUES (OLD.id, OLD.v);
