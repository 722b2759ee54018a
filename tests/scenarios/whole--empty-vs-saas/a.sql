-- empty database vs the rich multi-tenant schema (everything created / dropped)
-- requires: extension hstore
-- requires: extension ltree

