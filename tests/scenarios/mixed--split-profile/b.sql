-- profile columns move from users to a new 1:1 table; a view keeps the old shape
CREATE TABLE public.users (id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.profile (user_id int PRIMARY KEY REFERENCES public.users ON DELETE CASCADE, bio text, avatar_url text);
CREATE VIEW public.users_with_profile AS SELECT u.id, u.email, p.bio, p.avatar_url FROM public.users u LEFT JOIN public.profile p ON p.user_id = u.id;
