-- pgprod catalog: columns
-- Columns of tables, views, materialized views, foreign tables and stand-alone
-- composite types.
-- Unordered: sorting these wide rows here can spill to disk; the loader orders them
-- by position. A column's NOT NULL is also a constraint row (contype 'n') from 18 on;
-- on older servers that join finds nothing and attnotnull alone says NOT NULL.
-- The relation is given by OID (the relation queries return theirs): spelling its
-- name on every column cost more than it saved.
SELECT a.attrelid AS relation_oid,
       quote_ident(a.attname) AS key,
       a.attname AS name,
       a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       nn.conname AS not_null_name,
       coalesce(nn.convalidated, true) AS not_null_valid,
       coalesce(nn.connoinherit, false) AS not_null_no_inherit,
       -- A default cannot refer to columns: deparsing it without the relation (0)
       -- spares opening (and building a relcache entry for) every table.
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0) END AS "default",
       nullif(a.attgenerated, '') AS generated,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generation_expression,
       nullif(a.attidentity, '') AS identity,
       CASE WHEN sc.oid IS NOT NULL THEN format('%I.%I', sn.nspname, sc.relname) END AS identity_sequence,
       format_type(s.seqtypid, NULL) AS seq_type,
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       -- The identity sequence's grants, unless they are the owner's defaults.
       CASE WHEN sc.relacl IS NOT NULL AND NOT (sc.relacl @> acldefault('s', sc.relowner)
                                                AND sc.relacl <@ acldefault('s', sc.relowner)) THEN
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(sc.relacl) g)::text
       END AS identity_grants,
       CASE WHEN a.attcollation <> t.typcollation
            THEN format('%I.%I', con.nspname, co.collname) END AS collation,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage,
       nullif(a.attcompression, '') AS compression,
       nullif(a.attstattarget, -1) AS statistics,
       a.attoptions AS options,
       a.attislocal AS local,
       a.attinhcount > 0 AS inherited,
       CASE WHEN a.attacl IS NOT NULL THEN
           (SELECT jsonb_agg(jsonb_build_array(
                       CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,
                       g.privilege_type, g.is_grantable))
              FROM aclexplode(a.attacl) g)::text
       END AS grants,
       d.description AS comment,
       ad.oid AS default_oid
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_constraint nn
       ON nn.contype = 'n' AND nn.conrelid = a.attrelid AND nn.conkey[1] = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
LEFT JOIN (pg_depend sd
           JOIN pg_class sc ON sc.oid = sd.objid AND sc.relkind = 'S'
           JOIN pg_namespace sn ON sn.oid = sc.relnamespace
           JOIN pg_sequence s ON s.seqrelid = sc.oid)
       ON a.attidentity <> '' AND sd.classid = 'pg_class'::regclass AND sd.deptype = 'i'
          AND sd.refclassid = 'pg_class'::regclass
          AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum
LEFT JOIN pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND n.nspname NOT IN ('pgprod', 'pgprod_audit')
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_class'::regclass AND e.objid = c.oid)
  AND NOT EXISTS (SELECT FROM pg_depend e
                  WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e'
                    AND e.classid = 'pg_type'::regclass AND e.objid = c.reltype)
