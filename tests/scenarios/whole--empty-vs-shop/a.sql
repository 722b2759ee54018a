-- empty database vs the rich shop schema (everything created / everything dropped)
-- requires: extension btree_gist
-- requires: extension citext

