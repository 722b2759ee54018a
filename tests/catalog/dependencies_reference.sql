-- pgprod catalog: dependencies between modelled objects (pg_depend), as graph nodes.
-- A node is "<kind>:<key>" with the same keys as the model; a table's column is
-- "column:<table>.<column>" and its default or generation expression "default:<...>".
-- Rows of one object are folded into the object the model knows: a view's rewrite rule
-- into the view, an index backing a constraint into the constraint, an array type into
-- its element type, a relation's row type into the relation. One row per dependent,
-- with everything it references. (Concatenation: format() per row costs a third more.)
WITH rel AS (
    SELECT c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS key,
           CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                          WHEN 'm' THEN 'matview' WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type'
                          WHEN 'f' THEN 'foreign_table' ELSE 'index' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c', 'f', 'i', 'I')
), con AS (
    SELECT k.oid, k.conindid, k.contype, k.contypid,
           CASE WHEN r.relkind = 'f' THEN r.kind || ':' || r.key  -- a foreign table's check
                WHEN k.conrelid <> 0
                THEN 'constraint:' || r.key || '.' || quote_ident(k.conname) END AS node
    FROM pg_constraint k LEFT JOIN rel r ON r.oid = k.conrelid
    WHERE k.contype <> 'n'  -- NOT NULL (18+) is modelled on the column
), nodes AS (
    SELECT 'pg_class'::regclass AS classid, r.oid AS objid, 0 AS objsubid,
           coalesce(c.node, r.kind || ':' || r.key) AS node
    FROM rel r
    LEFT JOIN con c ON r.relkind IN ('i', 'I') AND c.conindid = r.oid AND c.contype IN ('p', 'u', 'x')
  UNION ALL
    SELECT 'pg_class'::regclass, a.attrelid, a.attnum,
           CASE WHEN r.relkind IN ('r', 'p') THEN 'column:' || r.key || '.' || quote_ident(a.attname)
                ELSE r.kind || ':' || r.key END
    FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid
    WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
  UNION ALL
    SELECT 'pg_attrdef'::regclass, d.oid, 0,
           CASE WHEN r.relkind = 'f' THEN r.kind || ':' || r.key
                ELSE 'default:' || r.key || '.' || quote_ident(a.attname) END
    FROM pg_attrdef d JOIN rel r ON r.oid = d.adrelid
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
  UNION ALL
    SELECT 'pg_type'::regclass, t.oid, 0,
           CASE WHEN rt.oid IS NOT NULL THEN r.kind || ':' || r.key
                ELSE 'type:' || quote_ident(n.nspname) || '.' || quote_ident(base.typname) END
    FROM pg_type t
    LEFT JOIN pg_type e ON t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc
                         AND e.oid = t.typelem
    JOIN pg_type base ON base.oid = coalesce(e.oid, t.oid)
    JOIN pg_namespace n ON n.oid = base.typnamespace
    LEFT JOIN pg_type rt ON rt.oid = base.oid AND rt.typrelid <> 0
    LEFT JOIN rel r ON r.oid = rt.typrelid
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  UNION ALL
    SELECT 'pg_proc'::regclass, p.oid, 0,
           'function:' || format('%I.%I(%s)', n.nspname, p.proname,
                                 pg_get_function_identity_arguments(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  UNION ALL
    SELECT 'pg_constraint'::regclass, c.oid, 0,
           coalesce(c.node, 'type:' || quote_ident(n.nspname) || '.' || quote_ident(t.typname))
    FROM con c
    LEFT JOIN pg_type t ON t.oid = c.contypid
    LEFT JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE c.node IS NOT NULL OR t.oid IS NOT NULL
  UNION ALL
    SELECT 'pg_trigger'::regclass, t.oid, 0, 'trigger:' || r.key || '.' || quote_ident(t.tgname)
    FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL
    SELECT 'pg_policy'::regclass, p.oid, 0, 'policy:' || r.key || '.' || quote_ident(p.polname)
    FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
  UNION ALL
    SELECT 'pg_rewrite'::regclass, w.oid, 0,
           CASE WHEN w.rulename = '_RETURN' THEN r.kind || ':' || r.key
                ELSE 'rule:' || r.key || '.' || quote_ident(w.rulename) END
    FROM pg_rewrite w JOIN rel r ON r.oid = w.ev_class
  UNION ALL
    SELECT 'pg_namespace'::regclass, n.oid, 0, 'schema:' || quote_ident(n.nspname)
    FROM pg_namespace n WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  UNION ALL
    SELECT 'pg_extension'::regclass, x.oid, 0, 'extension:' || quote_ident(x.extname)
    FROM pg_extension x
  UNION ALL
    SELECT 'pg_collation'::regclass, c.oid, 0, 'collation:' || quote_ident(n.nspname) || '.' || quote_ident(c.collname)
    FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
    WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  UNION ALL
    SELECT 'pg_event_trigger'::regclass, e.oid, 0, 'event_trigger:' || quote_ident(e.evtname)
    FROM pg_event_trigger e
  UNION ALL
    SELECT 'pg_publication'::regclass, p.oid, 0, 'publication:' || quote_ident(p.pubname)
    FROM pg_publication p
  UNION ALL
    SELECT 'pg_publication_rel'::regclass, pr.oid, 0, 'publication:' || quote_ident(p.pubname)
    FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
  UNION ALL
    SELECT 'pg_publication_namespace'::regclass, pn.oid, 0, 'publication:' || quote_ident(p.pubname)
    FROM pg_publication_namespace pn JOIN pg_publication p ON p.oid = pn.pnpubid
  UNION ALL
    SELECT 'pg_foreign_data_wrapper'::regclass, w.oid, 0,
           'foreign_data_wrapper:' || quote_ident(w.fdwname)
    FROM pg_foreign_data_wrapper w
  UNION ALL
    SELECT 'pg_foreign_server'::regclass, s.oid, 0, 'server:' || quote_ident(s.srvname)
    FROM pg_foreign_server s
  UNION ALL
    SELECT 'pg_user_mapping'::regclass, m.umid, 0,
           'user_mapping:' || format('FOR %s SERVER %I',
               CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(m.usename) END, m.srvname)
    FROM pg_user_mappings m
)
SELECT dep.node AS dependent, array_agg(DISTINCT ref.node) AS referenced
FROM pg_depend d
JOIN nodes dep ON dep.classid = d.classid AND dep.objid = d.objid AND dep.objsubid = d.objsubid
JOIN nodes ref ON ref.classid = d.refclassid AND ref.objid = d.refobjid
              AND ref.objsubid = d.refobjsubid
-- Built-in objects (OIDs below FirstNormalObjectId) never change: no edge to them helps.
WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384
  AND dep.node <> ref.node
  -- A sequence's auto dependency on a column is OWNED BY, which the diff sets by itself
  -- once both exist; as an edge it would make the column's default wait for itself.
  AND NOT (d.deptype = 'a' AND dep.node LIKE 'sequence:%')
GROUP BY dep.node
