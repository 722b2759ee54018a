INSERT INTO app.keep VALUES (1);
INSERT INTO app.made_by_admin VALUES (1);
INSERT INTO app.given_to_admin VALUES (1);
