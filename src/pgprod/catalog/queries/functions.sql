-- pgprod catalog: functions
-- Functions, procedures, aggregates and window functions. pg_get_functiondef refuses
-- aggregates, so their definition is assembled from pg_aggregate, the way pg_dump
-- does; regproc/format_type qualify names outside pg_catalog (the loader pins
-- search_path to pg_catalog).
-- Most objects share a few distinct ACLs: explode each distinct one once.
WITH acl AS (
    SELECT x.acl,
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(x.acl) g)::text AS grants
      FROM (SELECT DISTINCT coalesce(proacl, acldefault('f', proowner)) AS acl
              FROM pg_proc) x
)
SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS key,
       n.nspname AS schema,
       p.proname AS name,
       p.prokind AS kind,
       pg_get_function_identity_arguments(p.oid) AS identity_arguments,
       pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS result,
       l.lanname AS language,
       p.provolatile AS volatility,
       p.prosecdef AS security_definer,
       CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid)
       ELSE format(
           'CREATE OR REPLACE AGGREGATE %I.%I(%s) (%s)',
           n.nspname, p.proname,
           CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_get_function_arguments(p.oid) END,
           concat_ws(', ',
               'SFUNC = ' || a.aggtransfn::regproc::text,
               'STYPE = ' || format_type(a.aggtranstype, NULL),
               'SSPACE = ' || nullif(a.aggtransspace, 0),
               'FINALFUNC = ' || nullif(a.aggfinalfn, 0)::regproc::text,
               CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
               CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC_MODIFY = '
                   || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY'
                                            WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
               'COMBINEFUNC = ' || nullif(a.aggcombinefn, 0)::regproc::text,
               'SERIALFUNC = ' || nullif(a.aggserialfn, 0)::regproc::text,
               'DESERIALFUNC = ' || nullif(a.aggdeserialfn, 0)::regproc::text,
               'INITCOND = ' || quote_literal(a.agginitval),
               'MSFUNC = ' || nullif(a.aggmtransfn, 0)::regproc::text,
               'MINVFUNC = ' || nullif(a.aggminvtransfn, 0)::regproc::text,
               'MSTYPE = ' || format_type(nullif(a.aggmtranstype, 0), NULL),
               'MSSPACE = ' || nullif(a.aggmtransspace, 0),
               'MFINALFUNC = ' || nullif(a.aggmfinalfn, 0)::regproc::text,
               CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
               CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC_MODIFY = '
                   || CASE a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY'
                                             WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
               'MINITCOND = ' || quote_literal(a.aggminitval),
               'SORTOP = OPERATOR(' || nullif(a.aggsortop, 0)::regoper::text || ')',
               CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE'
                                  WHEN 'r' THEN 'PARALLEL = RESTRICTED' END,
               CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END))
       END AS definition,
       quote_ident(pg_get_userbyid(p.proowner)) AS owner,
       acl.grants,
       d.description AS comment,
       p.oid
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN acl ON acl.acl = coalesce(p.proacl, acldefault('f', p.proowner))
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass AND d.objsubid = 0
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
  -- Functions internal to another object, such as the constructors of a range type.
  AND NOT EXISTS (SELECT FROM pg_depend i
                  WHERE i.classid = 'pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')
