-- a table and the functions over its row type exist only in A; a kept function's body changes away from it
CREATE SCHEMA test_schema;
CREATE TABLE test_schema.users (id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE test_schema.kept (id int PRIMARY KEY);
CREATE FUNCTION test_schema.get_users() RETURNS SETOF test_schema.users LANGUAGE sql STABLE AS $$ SELECT * FROM test_schema.users $$;
CREATE FUNCTION test_schema.user_email(u test_schema.users) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT u.email $$;
CREATE FUNCTION test_schema.count_users() RETURNS bigint LANGUAGE plpgsql STABLE AS $$ DECLARE r test_schema.users%ROWTYPE; n bigint := 0; BEGIN FOR r IN SELECT * FROM test_schema.users LOOP n := n + 1; END LOOP; RETURN n; END $$;
