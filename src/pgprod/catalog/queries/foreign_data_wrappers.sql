-- pgprod catalog: foreign_data_wrappers
-- Wrappers that are not an extension's own (postgres_fdw's wrapper comes with the
-- extension; one made with CREATE FOREIGN DATA WRAPPER over its handler is the user's).
-- Options stay in the order PostgreSQL keeps them; the builder sorts them.
SELECT quote_ident(w.fdwname) AS key,
       w.fdwname AS name,
       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::regproc::text END AS handler,
       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::regproc::text END AS validator,
       w.fdwoptions AS options,
       quote_ident(pg_get_userbyid(w.fdwowner)) AS owner,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(coalesce(w.fdwacl, acldefault('F', w.fdwowner))) g)::text AS grants,
       d.description AS comment,
       w.oid
FROM pg_foreign_data_wrapper w
LEFT JOIN pg_description d
       ON d.objoid = w.oid AND d.classoid = 'pg_foreign_data_wrapper'::regclass AND d.objsubid = 0
WHERE NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_foreign_data_wrapper'::regclass AND e.objid = w.oid)
