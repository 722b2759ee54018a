-- pgprod catalog: publications
-- pubgencols appears in 18, so it is read through to_jsonb (publications are few).
SELECT quote_ident(p.pubname) AS key,
       p.pubname AS name,
       p.puballtables AS all_tables,
       p.pubinsert AS insert, p.pubupdate AS update, p.pubdelete AS delete,
       p.pubtruncate AS truncate,
       p.pubviaroot AS via_root,
       coalesce(to_jsonb(p) ->> 'pubgencols', 'n') AS generated_columns,
       (SELECT jsonb_agg(jsonb_build_object(
                   'table', format('%I.%I', rn.nspname, rc.relname),
                   'columns', ARRAY(SELECT quote_ident(a.attname)
                                      FROM unnest(pr.prattrs) AS k(attnum)
                                      JOIN pg_attribute a
                                        ON a.attrelid = pr.prrelid AND a.attnum = k.attnum
                                     ORDER BY a.attnum),
                   'where', pg_get_expr(pr.prqual, pr.prrelid)))
          FROM pg_publication_rel pr
          JOIN pg_class rc ON rc.oid = pr.prrelid
          JOIN pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE pr.prpubid = p.oid) AS tables,
       ARRAY(SELECT quote_ident(sn.nspname)
               FROM pg_publication_namespace ps
               JOIN pg_namespace sn ON sn.oid = ps.pnnspid
              WHERE ps.pnpubid = p.oid) AS schemas,
       quote_ident(pg_get_userbyid(p.pubowner)) AS owner,
       d.description AS comment
FROM pg_publication p
LEFT JOIN pg_description d
       ON d.objoid = p.oid AND d.classoid = 'pg_publication'::regclass AND d.objsubid = 0
