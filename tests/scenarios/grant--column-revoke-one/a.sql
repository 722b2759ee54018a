-- of a role's column grants one column is revoked, another privilege on the same column stays
CREATE TABLE public.profile (id int PRIMARY KEY, nick text, bio text, avatar text);
GRANT UPDATE (nick, bio, avatar), SELECT (nick, bio) ON public.profile TO scenario_writer;
GRANT REFERENCES (id) ON public.profile TO scenario_admin;
