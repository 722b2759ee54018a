-- pgprod catalog: event_triggers
SELECT quote_ident(t.evtname) AS key,
       t.evtname AS name,
       t.evtevent AS event,
       coalesce(t.evttags, ARRAY[]::text[]) AS tags,
       format('%I.%I(%s)', pn.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS function,
       t.evtenabled AS enabled,
       quote_ident(pg_get_userbyid(t.evtowner)) AS owner,
       d.description AS comment
FROM pg_event_trigger t
JOIN pg_proc p ON p.oid = t.evtfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_event_trigger'::regclass AND d.objsubid = 0
WHERE pn.nspname <> 'pgprod_audit'  -- the audit trail's: pgprod's own
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_event_trigger'::regclass AND e.objid = t.oid)
