-- full-text search: generated tsvector, gin index, pg_trgm trigram index, search function
CREATE EXTENSION pg_trgm;
CREATE TABLE public.article (id int PRIMARY KEY, title text NOT NULL, body text,
  search tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED);
CREATE INDEX article_search_idx ON public.article USING gin (search);
CREATE INDEX article_title_trgm ON public.article USING gin (title gin_trgm_ops);
CREATE FUNCTION public.search_articles(q text) RETURNS SETOF public.article LANGUAGE sql STABLE AS $$
  SELECT * FROM public.article WHERE search @@ websearch_to_tsquery('english', q) ORDER BY ts_rank(search, websearch_to_tsquery('english', q)) DESC
$$;
