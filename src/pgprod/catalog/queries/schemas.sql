-- pgprod catalog: schemas
-- User schemas (not pg_*, information_schema, nor created by an extension), and not
-- pgprod's own schema `pgprod` (pgprod.own), which every embedded server has.
SELECT quote_ident(n.nspname) AS key,
       n.nspname AS name,
       quote_ident(pg_get_userbyid(n.nspowner)) AS owner,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) g)::text AS grants,
       d.description AS comment,
       n.oid
FROM pg_namespace n
LEFT JOIN pg_description d
       ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_namespace'::regclass AND e.objid = n.oid)
