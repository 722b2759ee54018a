-- pgprod catalog: rules
-- Rewrite rules other than the "_RETURN" rule that implements every view.
SELECT format('%I.%I.%I', n.nspname, c.relname, r.rulename) AS key,
       r.rulename AS name,
       format('%I.%I', n.nspname, c.relname) AS "table",
       r.ev_type AS event,
       r.is_instead AS instead,
       r.ev_enabled AS enabled,
       pg_get_ruledef(r.oid) AS definition,
       d.description AS comment,
       r.oid
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = r.oid AND d.classoid = 'pg_rewrite'::regclass AND d.objsubid = 0
WHERE r.rulename <> '_RETURN'
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
