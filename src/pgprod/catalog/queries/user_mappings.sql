-- pgprod catalog: user_mappings
-- pg_user_mappings shows a mapping's options only to who may see them (a superuser,
-- the server's owner, or the mapped user with USAGE on the server): NULL otherwise.
-- Options are secrets (passwords): the model keeps them out of every summary.
SELECT format('FOR %s SERVER %I',
              CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(m.usename) END,
              m.srvname) AS key,
       CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(m.usename) END AS "user",
       quote_ident(m.srvname) AS server,
       m.umoptions AS options,
       m.umid AS oid
FROM pg_user_mappings m
JOIN pg_foreign_server s ON s.oid = m.srvid
WHERE NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_foreign_server'::regclass AND e.objid = s.oid)
