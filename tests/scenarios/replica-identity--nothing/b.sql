-- replica identity NOTHING vs FULL
CREATE TABLE public.t (id int PRIMARY KEY, code text NOT NULL, v text);
CREATE UNIQUE INDEX t_code_key ON public.t (code);
ALTER TABLE public.t REPLICA IDENTITY NOTHING;
