-- a function lives in a separate schema
CREATE SCHEMA util;
CREATE FUNCTION util.slug(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT regexp_replace(lower(s), '[^a-z0-9]+', '-', 'g') $$;
