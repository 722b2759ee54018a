-- pgprod catalog: unmodelled
-- Everything user-created that the model does not describe, so that nothing is
-- skipped in silence. Objects owned by an extension (deptype 'e') are covered by the
-- extension; objects internal to another one (deptype 'i', such as the cast between a
-- range and its multirange) come and go with it.
-- Database-wide kinds without a schema (casts, transforms, languages, access methods)
-- count as user-created when their OID is past FirstNormalObjectId (16384).
WITH implicit AS (
    SELECT classid, objid FROM pg_depend
     WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
    UNION ALL
    -- Of the kinds below only casts get made implicitly (array types are filtered on
    -- their own): reading every internal dependency would cost far more.
    SELECT classid, objid FROM pg_depend
     WHERE classid = 'pg_cast'::regclass AND deptype = 'i'
)
-- Foreign tables are modelled, children and partitions included, except those other
-- tables inherit from; wrappers, servers and user mappings are modelled.
SELECT 'foreign table inherited from' AS kind, format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'f'
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (c.tableoid, c.oid) NOT IN (SELECT * FROM implicit)
   AND EXISTS (SELECT FROM pg_inherits i WHERE i.inhparent = c.oid)
UNION ALL
SELECT 'text search configuration', format('%I.%I', n.nspname, o.cfgname)
  FROM pg_ts_config o JOIN pg_namespace n ON n.oid = o.cfgnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'text search dictionary', format('%I.%I', n.nspname, o.dictname)
  FROM pg_ts_dict o JOIN pg_namespace n ON n.oid = o.dictnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'text search parser', format('%I.%I', n.nspname, o.prsname)
  FROM pg_ts_parser o JOIN pg_namespace n ON n.oid = o.prsnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'text search template', format('%I.%I', n.nspname, o.tmplname)
  FROM pg_ts_template o JOIN pg_namespace n ON n.oid = o.tmplnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'operator', format('%I.%s(%s, %s)', n.nspname, o.oprname,
                          coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE'),
                          coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE'))
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'operator class', format('%I.%I USING %I', n.nspname, o.opcname, am.amname)
  FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace
  JOIN pg_am am ON am.oid = o.opcmethod
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'operator family', format('%I.%I USING %I', n.nspname, o.opfname, am.amname)
  FROM pg_opfamily o JOIN pg_namespace n ON n.oid = o.opfnamespace
  JOIN pg_am am ON am.oid = o.opfmethod
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'statistics object', format('%I.%I', n.nspname, o.stxname)
  FROM pg_statistic_ext o JOIN pg_namespace n ON n.oid = o.stxnamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'conversion', format('%I.%I', n.nspname, o.conname)
  FROM pg_conversion o JOIN pg_namespace n ON n.oid = o.connamespace
 WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT CASE t.typtype WHEN 'p' THEN 'shell type' ELSE 'base type' END,
       format('%I.%I', n.nspname, t.typname)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('b', 'p')
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND NOT EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid)  -- implicit array types
   AND (t.tableoid, t.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'cast', format('(%s AS %s)', format_type(o.castsource, NULL), format_type(o.casttarget, NULL))
  FROM pg_cast o
 WHERE o.oid >= 16384 AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'transform', format('FOR %s LANGUAGE %I', format_type(o.trftype, NULL), l.lanname)
  FROM pg_transform o JOIN pg_language l ON l.oid = o.trflang
 WHERE o.oid >= 16384 AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'language', quote_ident(o.lanname)
  FROM pg_language o
 WHERE o.oid >= 16384 AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
SELECT 'access method', quote_ident(o.amname)
  FROM pg_am o
 WHERE o.oid >= 16384 AND (o.tableoid, o.oid) NOT IN (SELECT * FROM implicit)
UNION ALL
-- Subscriptions are modelled when the reading role may read their connection strings
-- (superusers only; see subscriptions.sql): for anyone else, each is listed here.
SELECT 'subscription whose connection this role cannot read', quote_ident(o.subname)
  FROM pg_subscription o
 WHERE o.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND NOT has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT')
UNION ALL
SELECT 'security label', format('%s (provider %s)', pg_describe_object(o.classoid, o.objoid, o.objsubid), o.provider)
  FROM pg_seclabel o
UNION ALL
SELECT 'database setting', CASE WHEN o.setrole = 0 THEN s.setting
                                ELSE format('FOR ROLE %I: %s', pg_get_userbyid(o.setrole), s.setting) END
  FROM pg_db_role_setting o CROSS JOIN LATERAL unnest(o.setconfig) AS s(setting)
 WHERE o.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
UNION ALL
-- The index behind a primary key, unique or exclusion constraint is carried by its
-- constraint, which has a comment of its own: the index's comment has no place.
SELECT 'comment on constraint index', format('%I.%I', n.nspname, c.relname)
  FROM pg_description d
  JOIN pg_class c ON c.oid = d.objoid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relkind IN ('i', 'I')
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND EXISTS (SELECT FROM pg_constraint k
               WHERE k.conindid = c.oid AND k.contype IN ('p', 'u', 'x'))
UNION ALL
-- An identity column's sequence is part of the column (its options and grants are
-- compared there); a comment on it has no place.
SELECT 'comment on identity sequence', format('%I.%I', n.nspname, c.relname)
  FROM pg_description d
  JOIN pg_class c ON c.oid = d.objoid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relkind = 'S'
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND EXISTS (SELECT FROM pg_depend i
               WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
UNION ALL
-- Languages are not modelled (plpgsql is an extension), but their privileges are
-- schema-wide behaviour: report any that were changed from the default.
SELECT 'language privileges', quote_ident(o.lanname)
  FROM pg_language o
 WHERE o.lanacl IS NOT NULL
