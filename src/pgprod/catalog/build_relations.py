"""Turn rows of the relation queries (tables, columns, views, sequences, indexes,
constraints, triggers, rules, policies) into model objects. Pure: no database access.

PostgreSQL's one-letter codes become words here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from . import relations as m
from .acl import parse_grants
from .frozenmap import FrozenMap

Row = Any
"""A row of a catalog query (``psycopg.rows.namedtuple_row``): fields are its columns."""
Rows = Sequence[Row]

TABLE_KINDS = {"r": "table", "p": "partitioned table"}
REPLICA_IDENTITIES = {"d": "default", "n": "nothing", "f": "full", "i": "index"}
CONSTRAINT_TYPES = {
    "p": "primary key",
    "f": "foreign key",
    "u": "unique",
    "c": "check",
    "x": "exclusion",
}
FK_ACTIONS = {
    "a": "no action",
    "r": "restrict",
    "c": "cascade",
    "n": "set null",
    "d": "set default",
}
FK_MATCHES = {"s": "simple", "f": "full", "p": "partial"}
ENABLED = {"O": "origin", "D": "disabled", "R": "replica", "A": "always"}
RULE_EVENTS = {"1": "SELECT", "2": "UPDATE", "3": "INSERT", "4": "DELETE"}
POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
IDENTITY_KINDS = {"a": "always", "d": "by default"}
GENERATED_KINDS = {"s": "stored", "v": "virtual"}
STORAGES = {"p": "plain", "e": "external", "m": "main", "x": "extended"}
COMPRESSIONS = {"p": "pglz", "l": "lz4"}


T = TypeVar("T")

_NO_COLUMNS: m.Columns = FrozenMap()


def _make(cls: type[T], fields: dict[str, Any]) -> T:
    """Create a frozen model object from all its fields, bypassing its ``__init__``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    about four times slower than filling the instance dict; a large schema has tens of
    thousands of columns and constraints. ``fields`` must name every field, exactly
    (the catalog tests check every loaded object).
    """
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def _word(codes: Mapping[str, str], code: str | None) -> str | None:
    """Translate a catalog code; an unknown code (a newer server) is kept as is."""
    return None if code is None else codes.get(code, code)


def _options(values: list[str] | None) -> tuple[str, ...]:
    """reloptions/attoptions as a sorted tuple: their stored order is not meaningful."""
    return tuple(sorted(values)) if values else ()


def _sequence_options(r: Row) -> m.SequenceOptions:
    return _make(
        m.SequenceOptions,
        {
            "data_type": r.seq_type,
            "start": r.seqstart,
            "increment": r.seqincrement,
            "minimum": r.seqmin,
            "maximum": r.seqmax,
            "cache": r.seqcache,
            "cycle": r.seqcycle,
        },
    )


COLUMN_FIELDS = (
    "relation_oid", "key", "name", "position", "type", "not_null", "not_null_name",
    "not_null_valid", "not_null_no_inherit", "default", "generated", "generation_expression",
    "identity", "identity_sequence", "seq_type", "seqstart", "seqincrement", "seqmin",
    "seqmax", "seqcache", "seqcycle", "identity_grants", "collation", "storage",
    "compression", "statistics",
    "options", "local", "inherited", "grants", "comment", "default_oid",
)
"""The columns of ``columns.sql``, in order: its rows are plain tuples (the biggest
query; named rows cost a fifth of building it)."""


def column(row: tuple[Any, ...]) -> m.Column:
    """One row of ``columns.sql`` (see ``COLUMN_FIELDS``)."""
    (_, key, name, position, type_, not_null, not_null_name, not_null_valid,
     not_null_no_inherit, default, generated, generation_expression, identity,
     identity_sequence, seq_type, seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle,
     identity_grants, collation, storage, compression, statistics, options, local, inherited,
     grants, comment, _) = row
    if not_null:
        not_null = _make(m.NotNull, {"name": not_null_name, "valid": not_null_valid,
                                     "no_inherit": not_null_no_inherit})
    else:
        not_null = None
    if generated:
        generated = _make(m.Generated, {"kind": GENERATED_KINDS.get(generated, generated),
                                        "expression": generation_expression})
    if identity:
        identity = _make(m.Identity, {
            "kind": IDENTITY_KINDS.get(identity, identity),
            "sequence": identity_sequence,
            "options": _make(m.SequenceOptions, {
                "data_type": seq_type, "start": seqstart, "increment": seqincrement,
                "minimum": seqmin, "maximum": seqmax, "cache": seqcache, "cycle": seqcycle,
            }),
            "grants": None if identity_grants is None else parse_grants(identity_grants),
        })
    return _make(m.Column, {
        "key": key,
        "name": name,
        "position": position,
        "type": type_,
        "not_null": not_null,
        "default": default,
        "generated": generated,
        "identity": identity,
        "collation": collation,
        "storage": None if storage is None else STORAGES.get(storage, storage),
        "compression": None if compression is None else COMPRESSIONS.get(compression,
                                                                          compression),
        "statistics": statistics,
        "options": tuple(sorted(options)) if options else (),
        "local": local,
        "inherited": inherited,
        "grants": parse_grants(grants) if grants is not None else (),
        "comment": comment,
    })


def columns_by_relation(
    rows: Rows,
) -> tuple[dict[int, m.Columns], ColumnNames, dict[int, tuple[int, int]]]:
    """Group ``columns.sql`` rows by relation OID, each group in position order.

    Also returns, in the same pass, the column keys by relation OID and position
    (``ColumnNames``) and each column default's OID with its (relation OID, position).
    """
    grouped: dict[int, list[tuple[int, m.Column]]] = {}
    names: dict[int, dict[int, str]] = {}
    defaults: dict[int, tuple[int, int]] = {}
    for row in rows:
        relation, position = row[0], row[3]
        found = grouped.get(relation)
        if found is None:
            found = grouped[relation] = []
            names[relation] = {}
        found.append((position, column(row)))
        names[relation][position] = row[1]
        if row[-1] is not None:
            defaults[row[-1]] = (relation, position)
    by_relation: dict[int, m.Columns] = {}
    for relation, group in grouped.items():
        group.sort(key=_first)
        by_relation[relation] = FrozenMap([(c.key, c) for _, c in group])
    return by_relation, names, defaults


def _first(pair: tuple[int, object]) -> int:
    return pair[0]


ColumnNames = Mapping[int, Mapping[int, str]]
"""Column keys by relation OID and position (attnum), to name constraint columns."""

SYSTEM_COLUMNS = {-1: "ctid", -2: "xmin", -3: "cmin", -4: "xmax", -5: "cmax", -6: "tableoid"}
"""A CHECK constraint may refer to ``tableoid`` (attnum -6); the columns query skips these.
An exclusion constraint's expression element has attnum 0: it names no column (its
definition holds the expression), so it is left out of the constraint's columns."""


TABLE_FIELDS = (
    "key", "schema", "name", "kind", "unlogged", "partition_key", "partition_of",
    "partition_bound", "inherits", "of_type", "options", "access_method", "tablespace",
    "replica_identity", "replica_identity_index", "row_security", "force_row_security",
    "owner", "grants", "comment", "oid",
)
"""The columns of ``tables.sql``, in order (plain tuple rows)."""


def table(row: tuple[Any, ...], columns: Mapping[int, m.Columns]) -> m.Table:
    """One row of ``tables.sql`` (see ``TABLE_FIELDS``), with its columns."""
    (key, schema, name, kind, unlogged, partition_key, partition_of, partition_bound,
     inherits, of_type, options, access_method, tablespace, replica_identity,
     replica_identity_index, row_security, force_row_security, owner, grants, comment,
     oid) = row
    return _make(m.Table, {
        "key": key,
        "schema": schema,
        "name": name,
        "kind": TABLE_KINDS[kind],
        "columns": columns.get(oid) or _NO_COLUMNS,
        "unlogged": unlogged,
        "partition_key": partition_key,
        "partition_of": partition_of,
        "partition_bound": partition_bound,
        "inherits": tuple(inherits),
        "of_type": of_type,
        "options": _options(options),
        "access_method": access_method,
        "tablespace": tablespace,
        "replica_identity": REPLICA_IDENTITIES.get(replica_identity, replica_identity),
        "replica_identity_index": replica_identity_index,
        "row_security": row_security,
        "force_row_security": force_row_security,
        "owner": owner,
        "grants": parse_grants(grants),
        "comment": comment,
    })


def view(r: Row, columns: Mapping[int, m.Columns]) -> m.View:
    """One row of ``views.sql`` with kind 'v', with its columns."""
    return _make(
        m.View,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "definition": r.definition,
            "columns": columns.get(r.oid) or _NO_COLUMNS,
            "options": _options(r.options),
            "owner": r.owner,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


def materialized_view(r: Row, columns: Mapping[int, m.Columns]) -> m.MaterializedView:
    """One row of ``views.sql`` with kind 'm', with its columns."""
    return _make(
        m.MaterializedView,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "definition": r.definition,
            "columns": columns.get(r.oid) or _NO_COLUMNS,
            "populated": r.populated,
            "options": _options(r.options),
            "access_method": r.access_method,
            "tablespace": r.tablespace,
            "owner": r.owner,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


def sequence(r: Row) -> m.Sequence:
    """One row of ``sequences.sql``."""
    owned_by = None
    if r.owned_by_table is not None:
        owned_by = (r.owned_by_table, r.owned_by_column)
    return _make(
        m.Sequence,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "options": _sequence_options(r),
            "owned_by": owned_by,
            "unlogged": r.unlogged,
            "owner": r.owner,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


INDEX_FIELDS = (
    "key", "schema", "name", "table", "definition", "unique", "method", "valid",
    "partitioned", "parent", "predicate", "nulls_not_distinct", "clustered",
    "replica_identity", "options", "tablespace", "comment", "oid",
)
"""The columns of ``indexes.sql``, in order (plain tuple rows)."""


def index(row: tuple[Any, ...]) -> m.Index:
    """One row of ``indexes.sql`` (see ``INDEX_FIELDS``)."""
    (key, schema, name, table_, definition, unique, method, valid, partitioned, parent,
     predicate, nulls_not_distinct, clustered, replica_identity, options, tablespace,
     comment, _) = row
    return _make(m.Index, {
        "key": key,
        "schema": schema,
        "name": name,
        "table": table_,
        "definition": definition,
        "unique": unique,
        "method": method,
        "valid": valid,
        "partitioned": partitioned,
        "parent": parent,
        "predicate": predicate,
        "nulls_not_distinct": nulls_not_distinct,
        "clustered": clustered,
        "replica_identity": replica_identity,
        "options": _options(options),
        "tablespace": tablespace,
        "comment": comment,
    })


CONSTRAINT_FIELDS = (
    "key", "name", "table", "type", "definition", "column_numbers", "deferrable",
    "initially_deferred", "valid", "enforced", "no_inherit", "local", "inherited", "index",
    "nulls_not_distinct", "references", "referenced_columns", "on_update", "on_delete",
    "match", "comment", "oid", "table_oid", "index_oid",
)
"""The columns of ``constraints.sql``, in order (plain tuple rows)."""


def constraint(row: tuple[Any, ...], names: ColumnNames) -> m.Constraint:
    """One row of ``constraints.sql`` (see ``CONSTRAINT_FIELDS``); ``names`` turns its
    column numbers into keys."""
    (key, name, table_, type_, definition, column_numbers, deferrable, initially_deferred,
     valid, enforced, no_inherit, local, inherited, index_, nulls_not_distinct, references,
     referenced_columns, on_update, on_delete, match, comment, _, table_oid, _) = row
    table_names = names.get(table_oid, {})
    return _make(m.Constraint, {
        "key": key,
        "name": name,
        "table": table_,
        "type": CONSTRAINT_TYPES[type_],
        "definition": definition,
        "columns": tuple(
            table_names.get(n) or SYSTEM_COLUMNS[n] for n in column_numbers or () if n != 0
        ),
        "deferrable": deferrable,
        "initially_deferred": initially_deferred,
        "valid": valid,
        "enforced": enforced,
        "no_inherit": no_inherit,
        "local": local,
        "inherited": inherited,
        "index": index_,
        "nulls_not_distinct": nulls_not_distinct,
        "references": references,
        "referenced_columns": tuple(referenced_columns or ()),
        "on_update": _word(FK_ACTIONS, on_update),
        "on_delete": _word(FK_ACTIONS, on_delete),
        "match": _word(FK_MATCHES, match),
        "comment": comment,
    })


def trigger(r: Row) -> m.Trigger:
    """One row of ``triggers.sql``."""
    return _make(
        m.Trigger,
        {
            "key": r.key,
            "name": r.name,
            "table": r.table,
            "definition": r.definition,
            "function": r.function,
            "enabled": ENABLED.get(r.enabled, r.enabled),
            "constraint_trigger": r.constraint_trigger,
            "inherited": r.inherited,
            "comment": r.comment,
        },
    )


def rule(r: Row) -> m.Rule:
    """One row of ``rules.sql``."""
    return _make(
        m.Rule,
        {
            "key": r.key,
            "name": r.name,
            "table": r.table,
            "event": RULE_EVENTS.get(r.event, r.event),
            "instead": r.instead,
            "enabled": ENABLED.get(r.enabled, r.enabled),
            "definition": r.definition,
            "comment": r.comment,
        },
    )


def policy(r: Row) -> m.Policy:
    """One row of ``policies.sql``."""
    return _make(
        m.Policy,
        {
            "key": r.key,
            "name": r.name,
            "table": r.table,
            "command": POLICY_COMMANDS.get(r.command, r.command),
            "permissive": r.permissive,
            "roles": tuple(sorted(r.roles)),
            "using": r.using,
            "with_check": r.with_check,
            "comment": r.comment,
        },
    )
