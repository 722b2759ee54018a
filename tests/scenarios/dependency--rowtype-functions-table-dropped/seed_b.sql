INSERT INTO test_schema.kept VALUES (1);
