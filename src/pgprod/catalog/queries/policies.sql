-- pgprod catalog: policies
-- Row-level security policies (the per-table RLS switches are on the tables).
SELECT format('%I.%I.%I', n.nspname, c.relname, p.polname) AS key,
       p.polname AS name,
       format('%I.%I', n.nspname, c.relname) AS "table",
       p.polcmd AS command,
       p.polpermissive AS permissive,
       ARRAY(SELECT CASE r WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END
               FROM unnest(p.polroles) AS r) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using,
       pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
       d.description AS comment,
       p.oid
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_policy'::regclass AND d.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
