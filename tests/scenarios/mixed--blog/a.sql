-- a blog grows tags (many-to-many), slugs, comments with a self-reference and counters
-- requires: extension citext
CREATE TABLE public.post (id serial PRIMARY KEY, title text NOT NULL, body text, published_at timestamptz);
