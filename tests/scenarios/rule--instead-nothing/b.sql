-- a DO INSTEAD NOTHING rule on DELETE
CREATE TABLE public.t (id int PRIMARY KEY, v text);
CREATE TABLE public.t_log (id int, v text, at timestamptz DEFAULT now());
CREATE RULE t_no_delete AS ON DELETE TO public.t DO INSTEAD NOTHING;
