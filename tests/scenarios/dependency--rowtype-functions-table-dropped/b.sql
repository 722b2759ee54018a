-- a table and the functions over its row type exist only in A; a kept function's body changes away from it
CREATE SCHEMA test_schema;
CREATE TABLE test_schema.kept (id int PRIMARY KEY);
CREATE FUNCTION test_schema.count_users() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM test_schema.kept $$;
