INSERT INTO app.kept VALUES (1);
INSERT INTO app.moved VALUES (1);
INSERT INTO app.self_revoked VALUES (1);
