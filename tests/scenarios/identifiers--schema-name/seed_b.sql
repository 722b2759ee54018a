INSERT INTO "My Schema"."Data" VALUES ('k', '{}');
