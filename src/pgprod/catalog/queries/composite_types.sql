-- pgprod catalog: composite_types
-- Only stand-alone composite types (CREATE TYPE ... AS); every table's row type is
-- implicit. Their attributes come from the columns query.
SELECT format('%I.%I', n.nspname, t.typname) AS key,
       n.nspname AS schema,
       t.typname AS name,
       quote_ident(pg_get_userbyid(t.typowner)) AS owner,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(coalesce(t.typacl, acldefault('T', t.typowner))) g)::text AS grants,
       d.description AS comment,
       t.oid,
       nullif(t.typarray, 0) AS array_oid,
       t.typrelid AS relation_oid
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'c' AND c.relkind = 'c'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_type'::regclass AND e.objid = t.oid)
