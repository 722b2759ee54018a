-- a rule's action references a column whose type changes
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE TABLE public.t_log (id int, v varchar(20));
CREATE RULE t_log_ins AS ON INSERT TO public.t DO ALSO INSERT INTO public.t_log VALUES (NEW.id, NEW.v);
