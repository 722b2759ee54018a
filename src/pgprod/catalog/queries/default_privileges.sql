-- pgprod catalog: default_privileges
SELECT format('FOR ROLE %I%s ON %s',
              pg_get_userbyid(a.defaclrole),
              CASE WHEN n.oid IS NOT NULL THEN format(' IN SCHEMA %I', n.nspname) ELSE '' END,
              CASE a.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES'
                                   WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES'
                                   WHEN 'n' THEN 'SCHEMAS' WHEN 'L' THEN 'LARGE OBJECTS' ELSE a.defaclobjtype::text END) AS key,
       quote_ident(pg_get_userbyid(a.defaclrole)) AS role,
       n.nspname AS schema,
       a.defaclobjtype AS object_type,
       (SELECT jsonb_agg(jsonb_build_array(
                   CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                   g.privilege_type, g.is_grantable))
          FROM aclexplode(a.defaclacl) g)::text AS grants
FROM pg_default_acl a
LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace
