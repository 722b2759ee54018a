-- column-level grants on a view: UPDATE (title) and SELECT (id, title) are granted
CREATE TABLE public.article (id int PRIMARY KEY, title text, body text);
CREATE VIEW public.article_list AS SELECT id, title FROM public.article;
GRANT SELECT (id, title), UPDATE (title) ON public.article_list TO scenario_writer;
GRANT SELECT (id) ON public.article_list TO scenario_reader;
