INSERT INTO app.users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO app.accounts VALUES (1, 'ann', true), (2, 'bob', false);
