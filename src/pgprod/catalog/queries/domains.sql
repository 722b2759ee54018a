-- pgprod catalog: domains
-- Domain NOT NULL is read from typnotnull; the not-null constraint rows that 17+
-- also keeps in pg_constraint (contype 'n') are therefore not listed as checks.
SELECT format('%I.%I', n.nspname, t.typname) AS key,
       n.nspname AS schema,
       t.typname AS name,
       format_type(t.typbasetype, t.typtypmod) AS base_type,
       pg_get_expr(t.typdefaultbin, 0) AS "default",
       t.typnotnull AS not_null,
       CASE WHEN t.typcollation <> bt.typcollation
            THEN format('%I.%I', cn.nspname, co.collname) END AS collation,
       (SELECT jsonb_agg(jsonb_build_object(
                   'key', quote_ident(k.conname),
                   'name', k.conname,
                   'definition', pg_get_constraintdef(k.oid),
                   'valid', k.convalidated,
                   'comment', kd.description,
                   'oid', k.oid))
          FROM pg_constraint k
          LEFT JOIN pg_description kd
                 ON kd.objoid = k.oid AND kd.classoid = 'pg_constraint'::regclass AND kd.objsubid = 0
         WHERE k.contypid = t.oid AND k.contype = 'c') AS checks,
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
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'd'
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_type'::regclass AND e.objid = t.oid)
