-- pgprod catalog: foreign_servers
SELECT quote_ident(s.srvname) AS key,
       s.srvname AS name,
       quote_ident(w.fdwname) AS wrapper,
       s.srvtype AS type,
       s.srvversion AS version,
       s.srvoptions AS options,
       quote_ident(pg_get_userbyid(s.srvowner)) AS owner,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(coalesce(s.srvacl, acldefault('S', s.srvowner))) g)::text AS grants,
       d.description AS comment,
       s.oid
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description d
       ON d.objoid = s.oid AND d.classoid = 'pg_foreign_server'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_foreign_server'::regclass AND e.objid = s.oid)
