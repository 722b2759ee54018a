-- pgprod catalog: constraints
-- Primary key, unique, foreign key, check and exclusion constraints of tables.
-- NOT NULL constraints (contype 'n', 18+) are read with the columns; constraint
-- triggers (contype 't') with the triggers.
--
-- conenforced exists only from PostgreSQL 18. It is written unqualified inside the
-- LATERAL subquery: on 18 it resolves to pg_constraint's column, on older servers
-- the name falls through to the outer "fallback" row, which says "enforced".
WITH fallback AS (SELECT true AS conenforced)
SELECT format('%I.%I.%I', n.nspname, c.relname, con.conname) AS key,
       con.conname AS name,
       format('%I.%I', n.nspname, c.relname) AS "table",
       con.contype AS type,
       pg_get_constraintdef(con.oid) AS definition,
       con.conkey AS column_numbers,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       con.convalidated AS valid,
       con.is_enforced AS enforced,
       -- Only CHECK constraints can be NO INHERIT (18 sets the flag on others too).
       con.contype = 'c' AND con.connoinherit AS no_inherit,
       con.conislocal AS local,
       con.coninhcount > 0 AS inherited,
       CASE WHEN con.contype IN ('p', 'u', 'x') AND ix.oid IS NOT NULL
            THEN format('%I.%I', n.nspname, ix.relname) END AS index,
       con.contype = 'u' AND coalesce(pi.indnullsnotdistinct, false) AS nulls_not_distinct,
       CASE WHEN con.contype = 'f' THEN format('%I.%I', rn.nspname, rc.relname) END AS "references",
       -- The constraint's own columns (conkey) are named by the loader from the columns
       -- query; a referenced table may be one that is not modelled, so name those here.
       -- (A one-column key is looked up directly: the general form sorts, for each key.)
       CASE WHEN con.contype = 'f' AND cardinality(con.confkey) = 1 THEN
           ARRAY(SELECT quote_ident(a.attname) FROM pg_attribute a
                  WHERE a.attrelid = con.confrelid AND a.attnum = con.confkey[1])
            WHEN con.contype = 'f' THEN
           ARRAY(SELECT quote_ident(a.attname)
                   FROM unnest(con.confkey) WITH ORDINALITY AS u(attnum, i)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.attnum
                  ORDER BY u.i)
       END AS referenced_columns,
       nullif(con.confupdtype, ' ') AS on_update,
       nullif(con.confdeltype, ' ') AS on_delete,
       nullif(con.confmatchtype, ' ') AS match,
       d.description AS comment,
       con.oid,
       con.conrelid AS table_oid,
       CASE WHEN con.contype IN ('p', 'u', 'x') THEN nullif(con.conindid, 0) END AS index_oid
FROM fallback
CROSS JOIN LATERAL (
    SELECT k.*, conenforced AS is_enforced
      FROM pg_constraint k
     WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conrelid <> 0
) con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class ix ON ix.oid = con.conindid
LEFT JOIN pg_index pi ON pi.indexrelid = con.conindid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  -- A foreign key that references a partitioned table gets one extra, derived row per
  -- referenced partition (same conrelid as its parent row); only the parent is real.
  AND NOT (con.contype = 'f' AND con.conparentid <> 0
           AND EXISTS (SELECT FROM pg_constraint pk
                       WHERE pk.oid = con.conparentid AND pk.conrelid = con.conrelid))
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
