INSERT INTO app.accounts VALUES (1, 'ann', true), (2, 'bob', false);
