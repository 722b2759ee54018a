"""The Catalog: every modelled object of one database, keyed by quoted full name.

Schema-wide objects that fit no narrower module (schemas, extensions, collations,
event triggers, publications, subscriptions) are defined here too; foreign data in ``foreign``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .acl import DefaultPrivilege, Grants
from .datatypes import CompositeType, Domain, EnumType, RangeType
from .equality import by_value
from .foreign import ForeignDataWrapper, ForeignServer, ForeignTable, UserMapping
from .frozenmap import FrozenMap
from .relations import (
    Constraint,
    Index,
    MaterializedView,
    Policy,
    Rule,
    Sequence,
    Table,
    Trigger,
    View,
)
from .routines import Function


@by_value
@dataclass(frozen=True, kw_only=True)
class Schema:
    """A schema (namespace) created by a user, ``public`` included."""

    key: str
    name: str
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Extension:
    """An installed extension; the objects it owns are not modelled individually."""

    key: str
    name: str
    schema: str
    version: str
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Collation:
    """A user-defined collation. ``provider`` is ``libc``, ``icu`` or ``builtin``."""

    key: str
    schema: str
    name: str
    provider: str
    deterministic: bool
    lc_collate: str | None
    lc_ctype: str | None
    locale: str | None
    rules: str | None
    owner: str
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class EventTrigger:
    """An event trigger; ``enabled`` as for ``Trigger.enabled``."""

    key: str
    name: str
    event: str
    tags: tuple[str, ...]
    function: str
    enabled: str
    owner: str
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class PublicationTable:
    """A table listed in a publication, with its optional column list and row filter."""

    table: str
    columns: tuple[str, ...]
    where: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Publication:
    """A logical replication publication.

    ``operations`` is a subset of ``insert``, ``update``, ``delete``, ``truncate``;
    ``schemas`` lists ``TABLES IN SCHEMA`` entries; ``generated_columns`` is ``none`` or
    ``stored`` (always ``none`` before PostgreSQL 18).
    """

    key: str
    name: str
    all_tables: bool
    operations: tuple[str, ...]
    via_root: bool
    generated_columns: str
    tables: FrozenMap[str, PublicationTable]
    schemas: tuple[str, ...]
    owner: str
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Subscription:
    """A logical replication subscription of the current database.

    ``connection`` is a secret (it holds a password, most often): it takes part in
    equality but never in ``repr``, and summaries do not show it. A subscription whose
    connection the reading role may not read (superusers only) is not modelled but
    listed as unmodelled. ``slot_name`` is None for ``slot_name = NONE``; ``streaming``
    is ``off``, ``on`` or ``parallel``; ``origin`` ``any`` or ``none``. Options a server
    does not have read as their defaults (``password_required`` true, ``failover``...).
    """

    key: str
    name: str
    connection: str = field(repr=False)
    publications: tuple[str, ...]
    enabled: bool
    slot_name: str | None
    binary: bool
    streaming: str
    synchronous_commit: str
    two_phase: bool
    disable_on_error: bool
    password_required: bool
    run_as_owner: bool
    origin: str
    failover: bool
    owner: str
    comment: str | None


@dataclass(frozen=True, order=True)
class Unmodelled:
    """Something that exists in the database but that the model does not describe.

    Callers must treat a catalog with unmodelled objects as incomplete: a diff cannot
    claim "no changes" about what it cannot see. ``name`` is the quoted full name (or
    PostgreSQL's own description of the object when it has no name).
    """

    kind: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Catalog:
    """Everything modelled in one database's user schemas.

    Each mapping is keyed by quoted full name (see ``relations``). ``server_version``
    (``server_version_num``) is informational and not part of equality, so the same
    schema on two minor releases compares equal.
    """

    server_version: int = field(compare=False)
    schemas: FrozenMap[str, Schema]
    extensions: FrozenMap[str, Extension]
    collations: FrozenMap[str, Collation]
    enums: FrozenMap[str, EnumType]
    domains: FrozenMap[str, Domain]
    composite_types: FrozenMap[str, CompositeType]
    range_types: FrozenMap[str, RangeType]
    tables: FrozenMap[str, Table]
    views: FrozenMap[str, View]
    materialized_views: FrozenMap[str, MaterializedView]
    sequences: FrozenMap[str, Sequence]
    indexes: FrozenMap[str, Index]
    constraints: FrozenMap[str, Constraint]
    triggers: FrozenMap[str, Trigger]
    rules: FrozenMap[str, Rule]
    policies: FrozenMap[str, Policy]
    functions: FrozenMap[str, Function]
    event_triggers: FrozenMap[str, EventTrigger]
    publications: FrozenMap[str, Publication]
    default_privileges: FrozenMap[str, DefaultPrivilege]
    unmodelled: tuple[Unmodelled, ...]
    # Foreign data: empty in catalogs stored before pgprod modelled it (they listed it
    # as unmodelled).
    foreign_data_wrappers: FrozenMap[str, ForeignDataWrapper] = field(default_factory=FrozenMap)
    foreign_servers: FrozenMap[str, ForeignServer] = field(default_factory=FrozenMap)
    user_mappings: FrozenMap[str, UserMapping] = field(default_factory=FrozenMap)
    foreign_tables: FrozenMap[str, ForeignTable] = field(default_factory=FrozenMap)
    # Empty in catalogs stored before pgprod modelled subscriptions (they listed them as
    # unmodelled).
    subscriptions: FrozenMap[str, Subscription] = field(default_factory=FrozenMap)
    dependencies: FrozenMap[str, tuple[str, ...]] = field(compare=False,
                                                          default_factory=FrozenMap)
    """Graph nodes (``kind:key``) and the nodes each depends on, from ``pg_depend``;
    derived data, so not part of equality."""
    casts: frozenset[tuple[str, str]] = field(compare=False, default=frozenset())
    role: str = field(compare=False, default="")
    """The role the catalog was read as (``current_user``, unquoted): a migration applied
    by it creates objects it owns."""
    """``(source type, target type)`` pairs PostgreSQL can cast between (``pg_cast``)."""
