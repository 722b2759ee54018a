-- capitalised names with spaces; a column changes type and one is added
CREATE TABLE public."Order Items" ("Id" int PRIMARY KEY, "UnitPrice" numeric(8,2), "Qty" int);
