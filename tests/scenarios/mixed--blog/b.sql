-- a blog grows tags (many-to-many), slugs, comments with a self-reference and counters
CREATE EXTENSION citext;
CREATE TABLE public.post (id serial PRIMARY KEY, title text NOT NULL, body text, published_at timestamptz, slug text NOT NULL DEFAULT '' , comment_count int NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX post_slug_key ON public.post (slug) WHERE slug <> '';
CREATE TABLE public.tag (id serial PRIMARY KEY, name citext NOT NULL UNIQUE);
CREATE TABLE public.post_tag (post_id int REFERENCES public.post ON DELETE CASCADE, tag_id int REFERENCES public.tag ON DELETE CASCADE, PRIMARY KEY (post_id, tag_id));
CREATE TABLE public.comment (id serial PRIMARY KEY, post_id int NOT NULL REFERENCES public.post ON DELETE CASCADE, reply_to int REFERENCES public.comment, body text NOT NULL);
CREATE FUNCTION public.bump_comments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE public.post SET comment_count = comment_count + 1 WHERE id = NEW.post_id;
  RETURN NEW;
END $$;
CREATE TRIGGER comment_bump AFTER INSERT ON public.comment FOR EACH ROW EXECUTE FUNCTION public.bump_comments();
