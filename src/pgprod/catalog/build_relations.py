"""Turn rows of the relation queries (tables, columns, views, sequences, indexes,
constraints, triggers, rules, policies) into model objects. Pure: no database access.

PostgreSQL's one-letter codes become words here, once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from operator import attrgetter
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


def column(r: Row) -> m.Column:
    """One row of ``columns.sql``."""
    not_null = None
    if r.not_null:
        not_null = _make(
            m.NotNull,
            {
                "name": r.not_null_name,
                "valid": r.not_null_valid,
                "no_inherit": r.not_null_no_inherit,
            },
        )
    generated = None
    if r.generated:
        generated = _make(
            m.Generated,
            {
                "kind": GENERATED_KINDS.get(r.generated, r.generated),
                "expression": r.generation_expression,
            },
        )
    identity = None
    if r.identity:
        identity = _make(
            m.Identity,
            {
                "kind": IDENTITY_KINDS.get(r.identity, r.identity),
                "sequence": r.identity_sequence,
                "options": _sequence_options(r),
            },
        )
    return _make(
        m.Column,
        {
            "key": r.key,
            "name": r.name,
            "position": r.position,
            "type": r.type,
            "not_null": not_null,
            "default": r.default,
            "generated": generated,
            "identity": identity,
            "collation": r.collation,
            "storage": _word(STORAGES, r.storage),
            "compression": _word(COMPRESSIONS, r.compression),
            "statistics": r.statistics,
            "options": _options(r.options),
            "local": r.local,
            "inherited": r.inherited,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


def columns_by_relation(rows: Rows) -> dict[str, m.Columns]:
    """Group ``columns.sql`` rows by relation key, each group in position order."""
    grouped: dict[str, list[m.Column]] = defaultdict(list)
    for r in rows:
        grouped[r.relation].append(column(r))
    return {
        relation: FrozenMap((c.key, c) for c in sorted(group, key=attrgetter("position")))
        for relation, group in grouped.items()
    }


ColumnNames = Mapping[str, Mapping[int, str]]
"""Column keys by relation key and position (attnum), to name constraint columns."""

SYSTEM_COLUMNS = {-1: "ctid", -2: "xmin", -3: "cmin", -4: "xmax", -5: "cmax", -6: "tableoid"}
"""A CHECK constraint may refer to ``tableoid`` (attnum -6); the columns query skips these."""


def column_names(columns: Mapping[str, m.Columns]) -> ColumnNames:
    """Index every relation's column keys by position."""
    return {
        relation: {c.position: c.key for c in cols.values()} for relation, cols in columns.items()
    }


def table(r: Row, columns: Mapping[str, m.Columns]) -> m.Table:
    """One row of ``tables.sql``, with its columns."""
    return _make(
        m.Table,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "kind": TABLE_KINDS[r.kind],
            "columns": columns.get(r.key, FrozenMap()),
            "unlogged": r.unlogged,
            "partition_key": r.partition_key,
            "partition_of": r.partition_of,
            "partition_bound": r.partition_bound,
            "inherits": tuple(r.inherits),
            "of_type": r.of_type,
            "options": _options(r.options),
            "access_method": r.access_method,
            "tablespace": r.tablespace,
            "replica_identity": REPLICA_IDENTITIES.get(r.replica_identity, r.replica_identity),
            "replica_identity_index": r.replica_identity_index,
            "row_security": r.row_security,
            "force_row_security": r.force_row_security,
            "owner": r.owner,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


def view(r: Row, columns: Mapping[str, m.Columns]) -> m.View:
    """One row of ``views.sql`` with kind 'v', with its columns."""
    return _make(
        m.View,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "definition": r.definition,
            "columns": columns.get(r.key, FrozenMap()),
            "options": _options(r.options),
            "owner": r.owner,
            "grants": parse_grants(r.grants),
            "comment": r.comment,
        },
    )


def materialized_view(r: Row, columns: Mapping[str, m.Columns]) -> m.MaterializedView:
    """One row of ``views.sql`` with kind 'm', with its columns."""
    return _make(
        m.MaterializedView,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "definition": r.definition,
            "columns": columns.get(r.key, FrozenMap()),
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


def index(r: Row) -> m.Index:
    """One row of ``indexes.sql``."""
    return _make(
        m.Index,
        {
            "key": r.key,
            "schema": r.schema,
            "name": r.name,
            "table": r.table,
            "definition": r.definition,
            "unique": r.unique,
            "method": r.method,
            "valid": r.valid,
            "partitioned": r.partitioned,
            "parent": r.parent,
            "predicate": r.predicate,
            "nulls_not_distinct": r.nulls_not_distinct,
            "clustered": r.clustered,
            "replica_identity": r.replica_identity,
            "options": _options(r.options),
            "tablespace": r.tablespace,
            "comment": r.comment,
        },
    )


def constraint(r: Row, names: ColumnNames) -> m.Constraint:
    """One row of ``constraints.sql``; ``names`` turns its column numbers into keys."""
    table_names = names.get(r.table, {})
    return _make(
        m.Constraint,
        {
            "key": r.key,
            "name": r.name,
            "table": r.table,
            "type": CONSTRAINT_TYPES[r.type],
            "definition": r.definition,
            "columns": tuple(
                table_names.get(n) or SYSTEM_COLUMNS[n] for n in r.column_numbers or ()
            ),
            "deferrable": r.deferrable,
            "initially_deferred": r.initially_deferred,
            "valid": r.valid,
            "enforced": r.enforced,
            "no_inherit": r.no_inherit,
            "local": r.local,
            "inherited": r.inherited,
            "index": r.index,
            "nulls_not_distinct": r.nulls_not_distinct,
            "references": r.references,
            "referenced_columns": tuple(r.referenced_columns or ()),
            "on_update": _word(FK_ACTIONS, r.on_update),
            "on_delete": _word(FK_ACTIONS, r.on_delete),
            "match": _word(FK_MATCHES, r.match),
            "comment": r.comment,
        },
    )


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
