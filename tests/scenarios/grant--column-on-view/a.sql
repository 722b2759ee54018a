-- column-level grants on a view: UPDATE (title) and SELECT (id, title) are granted
CREATE TABLE public.article (id int PRIMARY KEY, title text, body text);
CREATE VIEW public.article_list AS SELECT id, title FROM public.article;
