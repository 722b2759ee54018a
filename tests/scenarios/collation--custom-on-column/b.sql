-- a column uses a custom libc collation in B
CREATE COLLATION public.app_sort (lc_collate = 'C.utf8', lc_ctype = 'C.utf8');
CREATE TABLE public.t (id int PRIMARY KEY, name text COLLATE public.app_sort);
