-- a role revokes EXECUTE on its future functions from itself but not from PUBLIC, and on types from PUBLIC
CREATE SCHEMA lib;
