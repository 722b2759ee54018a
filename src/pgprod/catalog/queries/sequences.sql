-- pgprod catalog: sequences
-- Free-standing sequences. Identity sequences (internal dependency, deptype 'i', on
-- their column) are part of the column; OWNED BY is an automatic dependency ('a').
-- Most objects share a few distinct ACLs: explode each distinct one once.
WITH acl AS (
    SELECT x.acl,
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(x.acl) g)::text AS grants
      FROM (SELECT DISTINCT coalesce(relacl, acldefault('s', relowner)) AS acl
              FROM pg_class WHERE relkind = 'S') x
)
SELECT format('%I.%I', n.nspname, c.relname) AS key,
       n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS seq_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       CASE WHEN tc.oid IS NOT NULL THEN format('%I.%I', tn.nspname, tc.relname) END AS owned_by_table,
       quote_ident(ta.attname) AS owned_by_column,
       c.relpersistence = 'u' AS unlogged,
       quote_ident(pg_get_userbyid(c.relowner)) AS owner,
       acl.grants,
       d.description AS comment,
       c.oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN acl ON acl.acl = coalesce(c.relacl, acldefault('s', c.relowner))
LEFT JOIN (pg_depend od
           JOIN pg_class tc ON tc.oid = od.refobjid
           JOIN pg_namespace tn ON tn.oid = tc.relnamespace
           JOIN pg_attribute ta ON ta.attrelid = od.refobjid AND ta.attnum = od.refobjsubid)
       ON od.classid = 'pg_class'::regclass AND od.objid = c.oid
          AND od.refclassid = 'pg_class'::regclass AND od.refobjsubid > 0 AND od.deptype = 'a'
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind = 'S'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
  AND NOT EXISTS (SELECT FROM pg_depend i  -- an identity column's sequence
                  WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
