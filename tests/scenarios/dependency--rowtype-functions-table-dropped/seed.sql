INSERT INTO test_schema.users VALUES (1, 'a@example.com');
INSERT INTO test_schema.kept VALUES (1);
