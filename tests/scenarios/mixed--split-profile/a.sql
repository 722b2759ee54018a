-- profile columns move from users to a new 1:1 table; a view keeps the old shape
CREATE TABLE public.users (id int PRIMARY KEY, email text NOT NULL, bio text, avatar_url text);
