-- pgprod catalog: foreign_tables
-- Foreign tables, children and partitions included (one that is inherited from stays
-- listed as unmodelled); columns come from the columns query, their per-column options
-- (attfdwoptions) and CHECK constraints from here. A CHECK is folded into its table: it
-- is only ever added or dropped with ALTER FOREIGN TABLE. Checks a child only inherits
-- (conislocal false) come and go with its parents'.
WITH acl AS (
    SELECT x.acl,
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(x.acl) g)::text AS grants
      FROM (SELECT DISTINCT coalesce(relacl, acldefault('r', relowner)) AS acl
              FROM pg_class WHERE relkind = 'f') x
)
SELECT format('%I.%I', n.nspname, c.relname) AS key,
       n.nspname AS schema,
       c.relname AS name,
       quote_ident(s.srvname) AS server,
       ft.ftoptions AS options,
       ARRAY(SELECT format('%I.%I', pn.nspname, pc.relname)
               FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = c.oid AND NOT c.relispartition
              ORDER BY i.inhseqno) AS inherits,
       CASE WHEN c.relispartition THEN
           (SELECT format('%I.%I', pn.nspname, pc.relname)
              FROM pg_inherits i
              JOIN pg_class pc ON pc.oid = i.inhparent
              JOIN pg_namespace pn ON pn.oid = pc.relnamespace
             WHERE i.inhrelid = c.oid)
       END AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       (SELECT jsonb_object_agg(quote_ident(a.attname), a.attfdwoptions)
          FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attfdwoptions IS NOT NULL) AS column_options,
       (SELECT jsonb_agg(jsonb_build_object(
                   'key', quote_ident(k.conname),
                   'name', k.conname,
                   'definition', pg_get_constraintdef(k.oid),
                   'no_inherit', k.connoinherit,
                   'comment', kd.description,
                   'oid', k.oid))
          FROM pg_constraint k
          LEFT JOIN pg_description kd
                 ON kd.objoid = k.oid AND kd.classoid = 'pg_constraint'::regclass
         WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.conislocal) AS checks,
       quote_ident(pg_get_userbyid(c.relowner)) AS owner,
       acl.grants,
       d.description AS comment,
       c.oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
JOIN pg_foreign_server s ON s.oid = ft.ftserver
LEFT JOIN acl ON acl.acl = coalesce(c.relacl, acldefault('r', c.relowner))
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind = 'f'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_inherits i WHERE i.inhparent = c.oid)
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
