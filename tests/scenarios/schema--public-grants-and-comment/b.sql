-- the public schema gets extra grants and a new comment
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
GRANT USAGE, CREATE ON SCHEMA public TO scenario_writer;
COMMENT ON SCHEMA public IS 'application objects';
