-- pgprod catalog: triggers
-- User triggers on tables and views, constraint triggers included; internal triggers
-- (foreign key enforcement) are implementation details of their constraint, and the
-- audit trail's (a function in pgprod_audit) are pgprod's own.
SELECT format('%I.%I.%I', n.nspname, c.relname, t.tgname) AS key,
       t.tgname AS name,
       format('%I.%I', n.nspname, c.relname) AS "table",
       pg_get_triggerdef(t.oid) AS definition,
       format('%I.%I(%s)', pn.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS function,
       t.tgenabled AS enabled,
       t.tgconstraint <> 0 AS constraint_trigger,
       t.tgparentid <> 0 AS inherited,
       d.description AS comment,
       t.oid
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
LEFT JOIN pg_description d
       ON d.objoid = t.oid AND d.classoid = 'pg_trigger'::regclass AND d.objsubid = 0
WHERE NOT t.tgisinternal AND pn.nspname <> 'pgprod_audit'
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
