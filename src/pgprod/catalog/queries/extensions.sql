-- pgprod catalog: extensions
SELECT quote_ident(x.extname) AS key,
       x.extname AS name,
       n.nspname AS schema,
       x.extversion AS version,
       d.description AS comment,
       x.oid
FROM pg_extension x
JOIN pg_namespace n ON n.oid = x.extnamespace
LEFT JOIN pg_description d
       ON d.objoid = x.oid AND d.classoid = 'pg_extension'::regclass AND d.objsubid = 0
-- pg_stat_statements is pgprod's instrument (pgprod.own places it in schema pgprod) or a
-- managed service's, never the app's: not compared, never created, moved or dropped
WHERE x.extname <> 'pg_stat_statements'
