"""Model of tables, their columns and everything attached to a relation.

Every object has ``key``: its full name as PostgreSQL's ``quote_ident`` spells it
(``public.orders``, ``"My Schema"."Order"``). Objects that live on a table
(constraints, triggers, rules, policies) add the table's name (``public.orders.orders_pkey``);
columns are keyed by their quoted name inside their relation. References between
objects (``Constraint.table``, ``Index.table``...) are keys too. Raw, unquoted names
are kept in ``schema`` / ``name`` for building SQL with ``psycopg.sql.Identifier``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .acl import Grants
from .equality import by_value
from .frozenmap import FrozenMap


@by_value
@dataclass(frozen=True, kw_only=True)
class SequenceOptions:
    """The options of a sequence or of an identity column's sequence (``pg_sequence``)."""

    data_type: str
    start: int
    increment: int
    minimum: int
    maximum: int
    cache: int
    cycle: bool


@by_value
@dataclass(frozen=True, kw_only=True)
class Identity:
    """An identity column: ``kind`` is ``always`` or ``by default``. ``grants`` are its
    sequence's, None when they are what PostgreSQL gives the table's owner by itself
    (``acldefault``: the ACL never set, or set back to that), as in catalogs stored
    before pgprod compared them."""

    kind: str
    sequence: str
    options: SequenceOptions
    grants: Grants | None = None


@by_value
@dataclass(frozen=True, kw_only=True)
class Generated:
    """A generated column: ``kind`` is ``stored`` or ``virtual`` (PostgreSQL 18)."""

    kind: str
    expression: str


@by_value
@dataclass(frozen=True, kw_only=True)
class NotNull:
    """A column's NOT NULL.

    Before PostgreSQL 18 NOT NULL is a bare column flag: ``name`` is None, ``valid`` is
    True and ``no_inherit`` False. From 18 on it is a named constraint that can be
    NOT VALID or NO INHERIT.
    """

    name: str | None
    valid: bool
    no_inherit: bool


@by_value
@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of a table, view, materialized view or composite type.

    ``position`` (attnum) is kept for information only and is not part of equality:
    a column that survived drops of its neighbours is the same column. ``collation`` is
    set only when it differs from the type's default; ``storage`` only when it differs
    from the type's default; ``statistics`` is None for the default target.
    ``local`` (the relation declares the column itself, ``attislocal``) is not part of
    equality either: it only tells apart an inherited column the child also declares,
    and no statement changes that (ALTER TABLE ... INHERIT leaves the child's columns
    declared; only recreating the table would not).
    """

    key: str
    name: str
    position: int = field(compare=False)
    type: str
    not_null: NotNull | None
    default: str | None
    generated: Generated | None
    identity: Identity | None
    collation: str | None
    storage: str | None
    compression: str | None
    statistics: int | None
    options: tuple[str, ...]
    local: bool = field(compare=False)
    inherited: bool
    grants: Grants
    comment: str | None


Columns = FrozenMap[str, Column]
"""Columns of one relation keyed by quoted name, iterating in attnum order."""


@by_value
@dataclass(frozen=True, kw_only=True)
class Table:
    """A regular table, a partitioned table or a partition.

    ``kind`` is ``table`` or ``partitioned table``. ``partition_key`` is set on partitioned
    tables (``pg_get_partkeydef``); a partition has ``partition_of`` (parent key) and
    ``partition_bound``. ``inherits`` lists classic inheritance parents in order.
    ``replica_identity`` is ``default``, ``nothing``, ``full`` or ``index`` (then
    ``replica_identity_index`` names it).
    """

    key: str
    schema: str
    name: str
    kind: str
    columns: Columns
    unlogged: bool
    partition_key: str | None
    partition_of: str | None
    partition_bound: str | None
    inherits: tuple[str, ...]
    of_type: str | None
    options: tuple[str, ...]
    access_method: str | None
    tablespace: str | None
    replica_identity: str
    replica_identity_index: str | None
    row_security: bool
    force_row_security: bool
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class View:
    """A view: ``definition`` is ``pg_get_viewdef``; ``options`` holds reloptions such as
    ``security_invoker=true``, ``security_barrier=true`` or ``check_option=local``."""

    key: str
    schema: str
    name: str
    definition: str
    columns: Columns
    options: tuple[str, ...]
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class MaterializedView:
    """A materialized view; its indexes are in ``Catalog.indexes``."""

    key: str
    schema: str
    name: str
    definition: str
    columns: Columns
    populated: bool
    options: tuple[str, ...]
    access_method: str | None
    tablespace: str | None
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Sequence:
    """A free-standing sequence (identity sequences live in ``Column.identity``).

    ``owned_by`` is ``(table key, column key)`` for ``OWNED BY`` (serial columns).
    """

    key: str
    schema: str
    name: str
    options: SequenceOptions
    owned_by: tuple[str, str] | None
    unlogged: bool
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Index:
    """An index that does not back a constraint, on a table or materialized view.

    ``definition`` is ``pg_get_indexdef``. ``partitioned`` marks the parent index of a
    partitioned table; ``parent`` is the key of the partitioned index this one is attached
    to. ``valid`` is False for an index left invalid (failed ``CREATE INDEX CONCURRENTLY``).
    """

    key: str
    schema: str
    name: str
    table: str
    definition: str
    unique: bool
    method: str
    valid: bool
    partitioned: bool
    parent: str | None
    predicate: str | None
    nulls_not_distinct: bool
    clustered: bool
    replica_identity: bool
    options: tuple[str, ...]
    tablespace: str | None
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Constraint:
    """A table constraint: ``type`` is ``primary key``, ``foreign key``, ``unique``,
    ``check`` or ``exclusion``; ``definition`` is ``pg_get_constraintdef``.

    ``index`` is the key of the index backing a primary key, unique or exclusion
    constraint. Foreign keys fill ``references``, ``referenced_columns``, ``on_update``,
    ``on_delete`` (``no action``, ``restrict``, ``cascade``, ``set null``, ``set default``)
    and ``match`` (``simple``, ``full``, ``partial``). ``enforced`` is always True before
    PostgreSQL 18; ``no_inherit`` is only ever True for CHECK constraints. ``columns``
    are the constrained columns' keys (for a CHECK, those its expression uses).
    ``inherited`` marks a partition's or child table's copy of its parent's constraint;
    ``local`` (the child declares it too) is not part of equality, as for columns: once
    merged with an inherited one, a constraint stays declared.
    NOT NULL constraints are modelled on the column (``Column.not_null``) and constraint
    triggers in ``Catalog.triggers``.
    """

    key: str
    name: str
    table: str
    type: str
    definition: str
    columns: tuple[str, ...]
    deferrable: bool
    initially_deferred: bool
    valid: bool
    enforced: bool
    no_inherit: bool
    local: bool = field(compare=False)
    inherited: bool
    index: str | None
    nulls_not_distinct: bool
    references: str | None
    referenced_columns: tuple[str, ...]
    on_update: str | None
    on_delete: str | None
    match: str | None
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Trigger:
    """A user trigger (internal triggers, such as those enforcing foreign keys, are left out).

    ``enabled`` is ``origin`` (the default), ``disabled``, ``replica`` or ``always``;
    ``inherited`` marks the clone of a partitioned table's trigger on a partition.
    """

    key: str
    name: str
    table: str
    definition: str
    function: str
    enabled: str
    constraint_trigger: bool
    inherited: bool
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rewrite rule other than a view's ``_RETURN`` rule (``pg_get_ruledef``)."""

    key: str
    name: str
    table: str
    event: str
    instead: bool
    enabled: str
    definition: str
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Policy:
    """A row-level security policy. ``command`` is ``ALL``, ``SELECT``, ``INSERT``,
    ``UPDATE`` or ``DELETE``; ``roles`` are quoted role names or ``PUBLIC``."""

    key: str
    name: str
    table: str
    command: str
    permissive: bool
    roles: tuple[str, ...]
    using: str | None
    with_check: str | None
    comment: str | None
