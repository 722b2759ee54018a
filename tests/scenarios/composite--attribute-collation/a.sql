-- a composite attribute has COLLATE "C"
CREATE TYPE public.kv AS (k text, v text);
