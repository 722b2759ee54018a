-- pgprod catalog: range_types
SELECT format('%I.%I', n.nspname, t.typname) AS key,
       n.nspname AS schema,
       t.typname AS name,
       format_type(r.rngsubtype, NULL) AS subtype,
       CASE WHEN NOT oc.opcdefault
            THEN format('%I.%I', ocn.nspname, oc.opcname) END AS subtype_opclass,
       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
            THEN format('%I.%I', cn.nspname, co.collname) END AS collation,
       nullif(r.rngcanonical, 0)::regproc::text AS canonical,
       nullif(r.rngsubdiff, 0)::regproc::text AS subtype_diff,
       format_type(nullif(r.rngmultitypid, 0), NULL) AS multirange,
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
JOIN pg_range r ON r.rngtypid = t.oid
JOIN pg_type st ON st.oid = r.rngsubtype
JOIN pg_opclass oc ON oc.oid = r.rngsubopc
JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
LEFT JOIN pg_collation co ON co.oid = r.rngcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'r'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_type'::regclass AND e.objid = t.oid)
