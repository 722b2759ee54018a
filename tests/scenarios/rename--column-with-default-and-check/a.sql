-- a renamed column keeps its default and a named check; answered
CREATE SCHEMA app;
CREATE TABLE app.account (id int PRIMARY KEY, mail text DEFAULT 'none', CONSTRAINT account_mail_ck CHECK (mail <> ''));
