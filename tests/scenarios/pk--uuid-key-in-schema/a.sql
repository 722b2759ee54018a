-- a new table in another schema with a uuid primary key defaulting to gen_random_uuid()
CREATE SCHEMA app;
