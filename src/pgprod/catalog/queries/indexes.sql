-- pgprod catalog: indexes
-- Indexes on tables and materialized views, except those backing a primary key,
-- unique or exclusion constraint (the constraint carries them). A foreign key's
-- conindid names the referenced index, hence the contype filter.
SELECT format('%I.%I', n.nspname, ic.relname) AS key,
       n.nspname AS schema,
       ic.relname AS name,
       format('%I.%I', tn.nspname, tc.relname) AS "table",
       pg_get_indexdef(i.indexrelid) AS definition,
       i.indisunique AS "unique",
       am.amname AS method,
       i.indisvalid AS valid,
       ic.relkind = 'I' AS partitioned,
       CASE WHEN pc.oid IS NOT NULL THEN format('%I.%I', pn.nspname, pc.relname) END AS parent,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indnullsnotdistinct AS nulls_not_distinct,
       i.indisclustered AS clustered,
       i.indisreplident AS replica_identity,
       ic.reloptions AS options,
       ts.spcname AS tablespace,
       d.description AS comment,
       i.indexrelid AS oid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace tn ON tn.oid = tc.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace
LEFT JOIN (pg_inherits h
           JOIN pg_class pc ON pc.oid = h.inhparent
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace)
       ON h.inhrelid = i.indexrelid
LEFT JOIN pg_description d
       ON d.objoid = ic.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE tc.relkind IN ('r', 'p', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_constraint k
                  WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = tc.oid)
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = ic.oid)
