-- pgprod catalog: tables
-- Regular tables, partitioned tables and partitions; columns come from the columns query.
-- Most objects share a few distinct ACLs: explode each distinct one once.
WITH acl AS (
    SELECT x.acl,
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(x.acl) g)::text AS grants
      FROM (SELECT DISTINCT coalesce(relacl, acldefault('r', relowner)) AS acl
              FROM pg_class WHERE relkind IN ('r', 'p')) x
)
SELECT format('%I.%I', n.nspname, c.relname) AS key,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind AS kind,
       c.relpersistence = 'u' AS unlogged,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN parents.names[1] END AS partition_of,
       -- A bound holds only constants: deparsing it without the relation (0) spares
       -- opening every partition.
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, 0) END AS partition_bound,
       CASE WHEN c.relispartition THEN ARRAY[]::text[] ELSE parents.names END AS inherits,
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END AS of_type,
       c.reloptions AS options,
       am.amname AS access_method,
       ts.spcname AS tablespace,
       c.relreplident AS replica_identity,
       (SELECT format('%I.%I', n.nspname, ri.relname)
          FROM pg_index i JOIN pg_class ri ON ri.oid = i.indexrelid
         WHERE c.relreplident = 'i' AND i.indrelid = c.oid AND i.indisreplident) AS replica_identity_index,
       c.relrowsecurity AS row_security,
       c.relforcerowsecurity AS force_row_security,
       quote_ident(pg_get_userbyid(c.relowner)) AS owner,
       acl.grants,
       d.description AS comment,
       c.oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT format('%I.%I', pn.nspname, pc.relname)
                   FROM pg_inherits i
                   JOIN pg_class pc ON pc.oid = i.inhparent
                   JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                  WHERE i.inhrelid = c.oid
                  ORDER BY i.inhseqno) AS names
) parents
LEFT JOIN acl ON acl.acl = coalesce(c.relacl, acldefault('r', c.relowner))
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
