-- pgprod catalog: casts (pg_cast), as type names the way format_type prints a column's
-- type without modifiers. The diff uses them to choose how a column's values convert
-- when its type changes; they are not part of the schema's equality.
SELECT format_type(c.castsource, NULL) AS source,
       format_type(c.casttarget, NULL) AS target
FROM pg_cast c
