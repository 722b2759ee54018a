-- capitalised names with spaces; a column changes type and one is added
CREATE TABLE public."Order Items" ("Id" int PRIMARY KEY, "UnitPrice" numeric(12,2), "Qty" int, "Discount %" numeric DEFAULT 0 CONSTRAINT "Discount Range" CHECK ("Discount %" BETWEEN 0 AND 100));
