INSERT INTO crm.client VALUES (1), (2);
INSERT INTO billing.bill VALUES (1, 1), (2, 2);
