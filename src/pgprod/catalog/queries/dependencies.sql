-- pgprod catalog: dependencies between objects (pg_depend), as raw catalog addresses.
-- The loader names both ends with the graph node ("<kind>:<key>") of the object each
-- belongs to, from the OIDs the other queries return (see catalog/dependencies.py):
-- naming every object here took longer than any other query.
-- Built-in objects (OIDs below FirstNormalObjectId) never change: no edge to them helps.
-- NOT NULL constraints (18+, modelled on the column) and toast tables' indexes are never
-- nodes; leaving their many edges out here spares decoding them (the loader would drop
-- them anyway, so this filter only saves time).
SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid,
       d.deptype = 'a' AS automatic
FROM pg_depend d
WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384
  AND NOT (d.classid = 'pg_constraint'::regclass
           AND d.objid IN (SELECT k.oid FROM pg_constraint k WHERE k.contype = 'n'))
  AND NOT (d.classid = 'pg_class'::regclass
           AND d.objid IN (SELECT c.oid FROM pg_class c
                            WHERE c.relkind = 'i'
                              AND c.relnamespace IN (SELECT n.oid FROM pg_namespace n
                                                      WHERE n.nspname ~ '^pg_')))
