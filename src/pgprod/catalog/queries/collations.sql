-- pgprod catalog: collations
-- The ICU locale column is colliculocale on 15-16 and colllocale from 17 (and
-- collicurules appears in 16), so those are read through to_jsonb: collations are few.
SELECT format('%I.%I', n.nspname, c.collname) AS key,
       n.nspname AS schema,
       c.collname AS name,
       c.collprovider AS provider,
       c.collisdeterministic AS deterministic,
       c.collcollate AS lc_collate,
       c.collctype AS lc_ctype,
       coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale') AS locale,
       to_jsonb(c) ->> 'collicurules' AS rules,
       quote_ident(pg_get_userbyid(c.collowner)) AS owner,
       d.description AS comment
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_collation'::regclass AND d.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_collation'::regclass AND e.objid = c.oid)
