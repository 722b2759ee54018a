INSERT INTO app.account VALUES (1, 'a@x'), (2, DEFAULT);
