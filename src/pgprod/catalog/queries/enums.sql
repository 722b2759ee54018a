-- pgprod catalog: enums
SELECT format('%I.%I', n.nspname, t.typname) AS key,
       n.nspname AS schema,
       t.typname AS name,
       ARRAY(SELECT l.enumlabel FROM pg_enum l
             WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder) AS labels,
       quote_ident(pg_get_userbyid(t.typowner)) AS owner,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) g)::text AS grants,
       d.description AS comment,
       t.oid,
       nullif(t.typarray, 0) AS array_oid
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'e'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_type'::regclass AND e.objid = t.oid)
