-- pgprod catalog: graph nodes of the objects the loader could not name from the other
-- queries' rows (objects of extensions, foreign tables, row and array types, domain
-- constraints...): %(oids)s lists their OIDs; one row per object found, with its
-- catalog address. Naming as in the model: a view's rewrite rule is the view, an index
-- backing a constraint the constraint, an array type its element type, a relation's row
-- type the relation, a column of a view, materialized view, composite type or foreign
-- table the relation (a foreign table's defaults and checks too), a domain's
-- constraint the domain.
-- (No percent signs here but the parameter: the text goes through psycopg.)
WITH rel AS NOT MATERIALIZED (
    SELECT c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS key,
           CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                          WHEN 'm' THEN 'matview' WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type'
                          WHEN 'f' THEN 'foreign_table' ELSE 'index' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
      AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f', 'i', 'I')
), con AS NOT MATERIALIZED (
    SELECT k.oid, k.conindid, k.contype, k.contypid,
           CASE WHEN r.relkind = 'f' THEN r.kind || ':' || r.key
                WHEN k.conrelid <> 0
                THEN 'constraint:' || r.key || '.' || quote_ident(k.conname) END AS node
    FROM pg_constraint k LEFT JOIN rel r ON r.oid = k.conrelid
    WHERE k.contype <> 'n'  -- NOT NULL (18+) is modelled on the column
)
SELECT 'pg_class'::regclass::oid AS classid, r.oid AS objid, 0 AS objsubid,
       coalesce(c.node, r.kind || ':' || r.key) AS node
FROM rel r
LEFT JOIN con c ON r.relkind IN ('i', 'I') AND c.conindid = r.oid AND c.contype IN ('p', 'u', 'x')
WHERE r.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum,
       CASE WHEN r.relkind IN ('r', 'p') THEN 'column:' || r.key || '.' || quote_ident(a.attname)
            ELSE r.kind || ':' || r.key END
FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid
WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
  AND a.attrelid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_attrdef'::regclass::oid, d.oid, 0,
       CASE WHEN r.relkind = 'f' THEN r.kind || ':' || r.key
            ELSE 'default:' || r.key || '.' || quote_ident(a.attname) END
FROM pg_attrdef d JOIN rel r ON r.oid = d.adrelid
JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
WHERE d.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_type'::regclass::oid, t.oid, 0,
       CASE WHEN rt.oid IS NOT NULL THEN r.kind || ':' || r.key
            ELSE 'type:' || quote_ident(n.nspname) || '.' || quote_ident(base.typname) END
FROM pg_type t
LEFT JOIN pg_type e ON t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc
                     AND e.oid = t.typelem
JOIN pg_type base ON base.oid = coalesce(e.oid, t.oid)
JOIN pg_namespace n ON n.oid = base.typnamespace
LEFT JOIN pg_type rt ON rt.oid = base.oid AND rt.typrelid <> 0
LEFT JOIN rel r ON r.oid = rt.typrelid
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND t.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_proc'::regclass::oid, p.oid, 0,
       'function:' || quote_ident(n.nspname) || '.' || quote_ident(p.proname)
       || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND p.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_constraint'::regclass::oid, c.oid, 0,
       coalesce(c.node, 'type:' || quote_ident(n.nspname) || '.' || quote_ident(t.typname))
FROM con c
LEFT JOIN pg_type t ON t.oid = c.contypid
LEFT JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE (c.node IS NOT NULL OR t.oid IS NOT NULL)
  AND c.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_trigger'::regclass::oid, t.oid, 0,
       'trigger:' || r.key || '.' || quote_ident(t.tgname)
FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid
JOIN pg_proc tp ON tp.oid = t.tgfoid JOIN pg_namespace tn ON tn.oid = tp.pronamespace
WHERE NOT t.tgisinternal AND tn.nspname <> 'pgprod_audit' AND t.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_policy'::regclass::oid, p.oid, 0, 'policy:' || r.key || '.' || quote_ident(p.polname)
FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
WHERE p.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_rewrite'::regclass::oid, w.oid, 0,
       CASE WHEN w.rulename = '_RETURN' THEN r.kind || ':' || r.key
            ELSE 'rule:' || r.key || '.' || quote_ident(w.rulename) END
FROM pg_rewrite w JOIN rel r ON r.oid = w.ev_class
WHERE w.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_namespace'::regclass::oid, n.oid, 0, 'schema:' || quote_ident(n.nspname)
FROM pg_namespace n
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND n.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_extension'::regclass::oid, x.oid, 0, 'extension:' || quote_ident(x.extname)
FROM pg_extension x
WHERE x.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_collation'::regclass::oid, c.oid, 0,
       'collation:' || quote_ident(n.nspname) || '.' || quote_ident(c.collname)
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND c.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_event_trigger'::regclass::oid, e.oid, 0, 'event_trigger:' || quote_ident(e.evtname)
FROM pg_event_trigger e
JOIN pg_proc ep ON ep.oid = e.evtfoid JOIN pg_namespace en ON en.oid = ep.pronamespace
WHERE en.nspname <> 'pgprod_audit' AND e.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_publication'::regclass::oid, p.oid, 0, 'publication:' || quote_ident(p.pubname)
FROM pg_publication p
WHERE p.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_publication_rel'::regclass::oid, pr.oid, 0, 'publication:' || quote_ident(p.pubname)
FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
WHERE pr.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_publication_namespace'::regclass::oid, pn.oid, 0,
       'publication:' || quote_ident(p.pubname)
FROM pg_publication_namespace pn JOIN pg_publication p ON p.oid = pn.pnpubid
WHERE pn.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_foreign_data_wrapper'::regclass::oid, w.oid, 0,
       'foreign_data_wrapper:' || quote_ident(w.fdwname)
FROM pg_foreign_data_wrapper w
WHERE w.oid = ANY (%(oids)s::oid[])
UNION ALL
SELECT 'pg_foreign_server'::regclass::oid, s.oid, 0, 'server:' || quote_ident(s.srvname)
FROM pg_foreign_server s
WHERE s.oid = ANY (%(oids)s::oid[])
