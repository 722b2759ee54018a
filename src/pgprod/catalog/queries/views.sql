-- pgprod catalog: views
-- Views (relkind 'v') and materialized views (relkind 'm'); columns come from the
-- columns query, materialized views' indexes from the indexes query.
-- Most objects share a few distinct ACLs: explode each distinct one once.
WITH acl AS (
    SELECT x.acl,
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(x.acl) g)::text AS grants
      FROM (SELECT DISTINCT coalesce(relacl, acldefault('r', relowner)) AS acl
              FROM pg_class WHERE relkind IN ('v', 'm')) x
)
SELECT format('%I.%I', n.nspname, c.relname) AS key,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind AS kind,
       pg_get_viewdef(c.oid) AS definition,
       c.reloptions AS options,
       c.relispopulated AS populated,
       am.amname AS access_method,
       ts.spcname AS tablespace,
       quote_ident(pg_get_userbyid(c.relowner)) AS owner,
       acl.grants,
       d.description AS comment,
       c.oid,
       (SELECT w.oid FROM pg_rewrite w
         WHERE w.ev_class = c.oid AND w.rulename = '_RETURN') AS rule_oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN acl ON acl.acl = coalesce(c.relacl, acldefault('r', c.relowner))
LEFT JOIN pg_am am ON am.oid = c.relam
LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
