-- default privileges on sequences reach new identity sequences; one has them revoked, one gets more
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO scenario_reader;
CREATE TABLE public.orders (id int NOT NULL, total numeric);
