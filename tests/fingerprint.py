"""An independent description of a database's schema, for checking the diff engine.

It reads PostgreSQL's catalogs with plain queries that share nothing with
`pgprod.catalog`: if the model missed a property, two schemas could look equal to the
model while their fingerprints differ. Everything is sorted so that creation order and
column positions do not matter.
"""

from __future__ import annotations

import psycopg

USER = "n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"


def sorted_array(expression: str) -> str:
    """An array's elements as sorted text: order carries no meaning in these arrays."""
    return f"(SELECT array_agg(x::text ORDER BY x::text) FROM unnest({expression}) x)"


def acl(column: str, kind: str, owner: str) -> str:
    """Effective privileges: NULL (never granted) and the defaults granted back are equal.
    `kind` is an SQL expression for acldefault's object type."""
    return sorted_array(f"coalesce({column}, acldefault({kind}, {owner}))")
NOT_EXT = ("NOT EXISTS (SELECT FROM pg_depend e WHERE e.objid = {oid} AND e.deptype = 'e' "
           "AND e.classid = '{cls}'::regclass)")

REL_ACL = acl("c.relacl", "CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::\"char\"",
              "c.relowner")

QUERIES = {
    "relations": f"""
        SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
               c.relforcerowsecurity, c.relreplident, {sorted_array("c.reloptions")},
               {REL_ACL}, obj_description(c.oid, 'pg_class'),
               pg_get_expr(c.relpartbound, c.oid), pg_get_partkeydef(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {USER} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'c')
          AND {NOT_EXT.format(oid='c.oid', cls='pg_class')}""",
    "columns": f"""
        SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull, a.attidentity, a.attgenerated, a.attcollation::regcollation::text,
               pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum),
               {sorted_array("a.attacl")}, a.attstorage, a.attstattarget
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE {USER} AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
          AND {NOT_EXT.format(oid='c.oid', cls='pg_class')}""",
    "constraints": f"""
        SELECT n.nspname, conrelid::regclass::text, contypid::regtype::text, conname, contype,
               pg_get_constraintdef(k.oid), condeferrable, condeferred, convalidated,
               obj_description(k.oid, 'pg_constraint')
        FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE {USER} AND {NOT_EXT.format(oid='k.oid', cls='pg_constraint')}""",
    "indexes": """
        SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_'""",
    "views": """
        SELECT schemaname, viewname, definition FROM pg_views
        WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_'
        UNION ALL
        SELECT schemaname, matviewname, definition FROM pg_matviews""",
    "routines": f"""
        SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,
               pg_get_function_result(p.oid), p.prosrc, p.provolatile, p.prosecdef,
               p.proconfig::text, {acl("p.proacl", "'f'", "p.proowner")},
               obj_description(p.oid, 'pg_proc')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {USER} AND {NOT_EXT.format(oid='p.oid', cls='pg_proc')}""",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(t.oid), tgenabled,
               obj_description(t.oid, 'pg_trigger')
        FROM pg_trigger t WHERE NOT tgisinternal""",
    "types": f"""
        SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod),
               t.typnotnull, t.typdefault, {acl("t.typacl", "'T'", "t.typowner")},
               obj_description(t.oid, 'pg_type'),
               (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum
                WHERE enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE {USER} AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
          AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
          AND {NOT_EXT.format(oid='t.oid', cls='pg_type')}""",
    "sequences": """
        SELECT schemaname, sequencename, data_type::text, start_value, min_value, max_value,
               increment_by, cycle, cache_size FROM pg_sequences""",
    "policies": """
        SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, qual,
               with_check FROM pg_policies""",
    "schemas": f"""
        SELECT n.nspname, pg_get_userbyid(n.nspowner), {acl("n.nspacl", "'n'", "n.nspowner")},
               obj_description(n.oid, 'pg_namespace')
        FROM pg_namespace n WHERE {USER}""",
    "extensions": "SELECT extname, extversion, extnamespace::regnamespace::text FROM pg_extension",
    "rules": """
        SELECT schemaname, tablename, rulename, definition FROM pg_rules
        WHERE schemaname <> 'information_schema' AND schemaname !~ '^pg_'""",
    "event_triggers": """
        SELECT evtname, evtevent, evtfoid::regproc::text, evtenabled, (SELECT array_agg(t
               ORDER BY t) FROM unnest(evttags) t) FROM pg_event_trigger""",
    "publications": """
        SELECT p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
               p.pubtruncate, p.pubviaroot,
               (SELECT string_agg(format('%s %s %s', schemaname, tablename, attnames), ';'
                                  ORDER BY schemaname, tablename)
                FROM pg_publication_tables t WHERE t.pubname = p.pubname)
        FROM pg_publication p""",
    # Every column but runtime state, whatever the server's release has; publications
    # as a set (their order means nothing), two-phase as on or off (pending until the
    # subscription first connects).
    "subscriptions": """
        SELECT to_jsonb(s) - 'oid' - 'subdbid' - 'subskiplsn' - 'subpublications'
                   - 'subtwophasestate',
               (SELECT array_agg(p ORDER BY p) FROM unnest(s.subpublications) p),
               s.subtwophasestate <> 'd', obj_description(s.oid, 'pg_subscription')
        FROM pg_subscription s
        WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())""",
    "default_acl": """
        SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text,
               defaclobjtype, (SELECT array_agg(a::text ORDER BY a::text)
                               FROM unnest(defaclacl) a) FROM pg_default_acl""",
}


def fingerprint(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, list[str]]:
    """Sorted rows, as text, of each query above (read-only)."""
    result = {}
    for name, query in QUERIES.items():
        rows = conn.execute(query).fetchall()  # type: ignore[call-overload]
        result[name] = sorted(repr(row) for row in rows)
    return result
