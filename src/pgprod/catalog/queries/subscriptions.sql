-- pgprod catalog: subscriptions
-- Subscriptions of the current database. Their connection strings (subconninfo) are
-- readable by superusers only: SELECT on pg_subscription's other columns is granted to
-- PUBLIC, on that one not, and naming it fails for anyone else. So the loader fills
-- the placeholder below with to_jsonb(s) when the reading role may read it and with
-- NULL otherwise: then no row comes back here, and unmodelled.sql lists each
-- subscription by name. Reading the row as JSON also covers the columns that came
-- with later releases (substream is a boolean on 15, a letter from 16 on; origin,
-- password_required and run_as_owner appear in 16, failover in 17).
SELECT quote_ident(x.subname) AS key,
       x.subname AS name,
       x.r ->> 'subconninfo' AS connection,
       ARRAY(SELECT p FROM jsonb_array_elements_text(x.r -> 'subpublications') AS p
              ORDER BY p) AS publications,
       x.subenabled AS enabled,
       x.subslotname AS slot_name,
       (x.r ->> 'subbinary')::boolean AS binary,
       x.r ->> 'substream' AS streaming,
       x.subsynccommit AS synchronous_commit,
       x.r ->> 'subtwophasestate' <> 'd' AS two_phase,
       (x.r ->> 'subdisableonerr')::boolean AS disable_on_error,
       coalesce((x.r ->> 'subpasswordrequired')::boolean, true) AS password_required,
       coalesce((x.r ->> 'subrunasowner')::boolean, false) AS run_as_owner,
       coalesce(x.r ->> 'suborigin', 'any') AS origin,
       coalesce((x.r ->> 'subfailover')::boolean, false) AS failover,
       quote_ident(pg_get_userbyid(x.subowner)) AS owner,
       d.description AS comment
FROM (SELECT s.oid, s.subname, s.subenabled, s.subslotname, s.subsynccommit, s.subowner,
             {row} AS r
        FROM pg_subscription s
       WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ) x
LEFT JOIN pg_description d
       ON d.objoid = x.oid AND d.classoid = 'pg_subscription'::regclass AND d.objsubid = 0
WHERE x.r IS NOT NULL
