"""Operations: the migration as data.

Each operation is a frozen dataclass holding the catalog objects it needs, never SQL
text; `pgprod.diff.render` turns one into SQL. An operation belongs to a phase:

- ``rename``: renames confirmed by the user, before anything else;
- ``drop``: removals, ordered so that dependents go before what they depend on
  (source database's ``pg_depend``);
- ``create``: additions and in-place changes, ordered so that dependencies come first
  (target database's ``pg_depend``);
- ``cleanup``: drops of types, domains, collations, functions, sequences, schemas and
  extensions nothing replaces, once the changes above have moved everything off them.

`nodes` names the dependency-graph nodes an operation creates, changes or drops
(see `pgprod.catalog.nodes`), which is how ordering finds its constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pgprod.catalog.acl import DefaultPrivilege, Grant
from pgprod.catalog.datatypes import CompositeType, Domain, DomainCheck, EnumType, RangeType
from pgprod.catalog.foreign import ForeignDataWrapper, ForeignServer, ForeignTable, UserMapping
from pgprod.catalog.model import EventTrigger, Extension, Publication, Subscription
from pgprod.catalog.relations import (
    Column,
    Constraint,
    Policy,
    Rule,
    Sequence,
    Table,
    Trigger,
    View,
)
from pgprod.catalog.routines import Function
from pgprod.names import quote_ident

RENAME, DROP, CREATE, CLEANUP = "rename", "drop", "create", "cleanup"


def column_node(table: str, column: str) -> str:
    return f"column:{table}.{column}"


def default_node(table: str, column: str) -> str:
    return f"default:{table}.{column}"


@dataclass(frozen=True)
class Op:
    """Base of every operation."""

    phase: ClassVar[str] = CREATE

    @property
    def nodes(self) -> tuple[str, ...]:
        return ()

    @property
    def summary(self) -> str:
        """A short human description, e.g. "add column public.t.c"."""
        return type(self).__name__


# -- objects as a whole ---------------------------------------------------------------


@dataclass(frozen=True)
class CreateObject(Op):
    """Create an object from its target definition (``replace``: CREATE OR REPLACE)."""

    kind: str
    obj: object
    replace: bool = False
    requires: tuple[str, ...] = ()  # nodes that must exist first, beyond pg_depend's

    @property
    def nodes(self) -> tuple[str, ...]:
        key = self.obj.key  # type: ignore[attr-defined]
        nodes = [f"{self.kind}:{key}"]
        if isinstance(self.obj, Table):
            nodes += [column_node(key, c) for c in self.obj.columns]
            nodes += [default_node(key, c) for c, col in self.obj.columns.items()
                      if col.default is not None or col.generated is not None]
        return tuple(nodes)

    @property
    def summary(self) -> str:
        verb = "replace" if self.replace else "create"
        return f"{verb} {self.kind} {self.obj.key}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DropObject(Op):
    """``late``: dropped after every creation and change (cleanup phase), for objects
    that columns or defaults still use until those are changed away from them."""

    kind: str
    obj: object
    late: bool = False

    @property
    def phase(self) -> str:  # type: ignore[override]
        return CLEANUP if self.late else DROP

    @property
    def nodes(self) -> tuple[str, ...]:
        return CreateObject(self.kind, self.obj).nodes

    @property
    def summary(self) -> str:
        return f"drop {self.kind} {self.obj.key}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Target:
    """What a COMMENT, GRANT or OWNER TO statement names: `keyword` and the object's
    SQL name (a catalog key, already quoted by PostgreSQL); `on` for objects that live on
    a table or domain (constraints, triggers, policies, rules).

    `sql_name` and `grant_name`, when set, are how COMMENT / ALTER ... OWNER TO and
    GRANT spell the object where that differs from its key (aggregates: ``f(*)``;
    GRANT names an ordered-set aggregate as a function, ``f(int, int)``)."""

    kind: str
    keyword: str
    name: str
    on: str | None = None
    on_keyword: str = ""
    sql_name: str = ""
    grant_name: str = ""

    @property
    def node(self) -> str:
        return f"{self.kind}:{self.name if self.on is None else self.on + '.' + self.name}"


@dataclass(frozen=True)
class SetComment(Op):
    target: Target
    comment: str | None

    @property
    def requires(self) -> tuple[str, ...]:
        return (self.target.node,)

    @property
    def summary(self) -> str:
        return f"comment on {self.target.kind} {self.target.name}"


@dataclass(frozen=True)
class SetOwner(Op):
    target: Target
    owner: str

    @property
    def requires(self) -> tuple[str, ...]:
        return (self.target.node,)

    @property
    def summary(self) -> str:
        return f"owner of {self.target.kind} {self.target.name}"


@dataclass(frozen=True)
class ChangeGrants(Op):
    """GRANT (``grant``) or REVOKE privileges on an object, or on some of its columns."""

    target: Target
    grants: tuple[Grant, ...]
    grant: bool
    column: str | None = None

    @property
    def requires(self) -> tuple[str, ...]:
        return (self.target.node,)

    @property
    def summary(self) -> str:
        verb = "grant on" if self.grant else "revoke on"
        return f"{verb} {self.target.kind} {self.target.name}"


# -- renames ------------------------------------------------------------------------


@dataclass(frozen=True)
class RenameTable(Op):
    phase: ClassVar[str] = RENAME
    old_key: str
    new_name: str

    @property
    def summary(self) -> str:
        return f"rename table {self.old_key} to {self.new_name}"


@dataclass(frozen=True)
class RenameColumn(Op):
    phase: ClassVar[str] = RENAME
    table: str
    old_name: str
    new_name: str

    @property
    def summary(self) -> str:
        return f"rename column {self.table}.{self.old_name} to {self.new_name}"


# -- tables and columns -------------------------------------------------------------


@dataclass(frozen=True)
class AddColumn(Op):
    table: Table
    column: Column

    @property
    def nodes(self) -> tuple[str, ...]:
        nodes = [column_node(self.table.key, self.column.key)]
        if self.column.default is not None or self.column.generated is not None:
            nodes.append(default_node(self.table.key, self.column.key))
        return tuple(nodes)

    @property
    def summary(self) -> str:
        return f"add column {self.table.key}.{self.column.key}"


@dataclass(frozen=True)
class DropColumn(Op):
    phase: ClassVar[str] = DROP
    table: Table
    column: Column

    @property
    def nodes(self) -> tuple[str, ...]:
        return AddColumn(self.table, self.column).nodes

    @property
    def summary(self) -> str:
        return f"drop column {self.table.key}.{self.column.key}"


@dataclass(frozen=True)
class AlterColumnType(Op):
    """``via_text``: PostgreSQL has no cast between the two types, so values go through
    their text form (every type has text input and output)."""

    table: str
    old: Column
    new: Column
    via_text: bool = False

    @property
    def nodes(self) -> tuple[str, ...]:
        return (column_node(self.table, self.new.key),)

    @property
    def summary(self) -> str:
        return f"change type of {self.table}.{self.new.key} to {self.new.type}"


@dataclass(frozen=True)
class DropColumnDefault(Op):
    phase: ClassVar[str] = DROP
    table: str
    column: Column

    @property
    def nodes(self) -> tuple[str, ...]:
        return (default_node(self.table, self.column.key),)

    @property
    def summary(self) -> str:
        return f"drop default of {self.table}.{self.column.key}"


@dataclass(frozen=True)
class SetColumnDefault(Op):
    table: str
    column: Column

    @property
    def nodes(self) -> tuple[str, ...]:
        return (default_node(self.table, self.column.key),)

    @property
    def summary(self) -> str:
        return f"set default of {self.table}.{self.column.key}"


@dataclass(frozen=True)
class SetColumnNotNull(Op):
    table: str
    column: Column
    not_null: bool

    @property
    def nodes(self) -> tuple[str, ...]:
        return (column_node(self.table, self.column.key),)

    @property
    def summary(self) -> str:
        verb = "set" if self.not_null else "drop"
        return f"{verb} not null on {self.table}.{self.column.key}"


@dataclass(frozen=True)
class RenameNotNull(Op):
    """A NOT NULL constraint (PostgreSQL 18+) named differently: renamed, not re-added
    (which would scan the table)."""

    table: str
    column: Column
    old_name: str
    new_name: str

    @property
    def nodes(self) -> tuple[str, ...]:
        return (column_node(self.table, self.column.key),)

    @property
    def summary(self) -> str:
        return f"rename not null constraint of {self.table}.{self.column.key}"


@dataclass(frozen=True)
class AlterIdentity(Op):
    """Add, drop or change a column's identity (`old`/`new` are the column's versions)."""

    table: str
    old: Column
    new: Column

    @property
    def phase(self) -> str:  # type: ignore[override]
        # dropped early: its sequence's name may be taken by a new sequence
        return DROP if self.new.identity is None else CREATE

    @property
    def nodes(self) -> tuple[str, ...]:
        return (column_node(self.table, self.new.key),)

    @property
    def summary(self) -> str:
        return f"identity of {self.table}.{self.new.key}"


@dataclass(frozen=True)
class AlterColumnDetails(Op):
    """Storage, compression, statistics target and attribute options of a column.

    ``storage_default``: the server takes ``SET STORAGE DEFAULT`` (PostgreSQL 16+);
    before 16, going back to the default names the column type's own storage, read
    from the catalog when the statement runs."""

    table: str
    old: Column
    new: Column
    storage_default: bool = True

    @property
    def nodes(self) -> tuple[str, ...]:
        return (column_node(self.table, self.new.key),)

    @property
    def summary(self) -> str:
        return f"storage details of {self.table}.{self.new.key}"


@dataclass(frozen=True)
class AlterTable(Op):
    """Table-level properties changed in place: options, logging, replica identity,
    row-level security, partition attachment, inheritance."""

    old: Table
    new: Table

    @property
    def requires(self) -> tuple[str, ...]:
        index = self.new.replica_identity_index
        return (f"table:{self.new.key}", *((f"index:{index}",) if index else ()))

    @property
    def summary(self) -> str:
        return f"alter table {self.new.key}"


@dataclass(frozen=True)
class NoInherit(Op):
    """``ALTER TABLE ... NO INHERIT parent``, first of the drops: what the table inherited
    from `parent` (columns, CHECK and NOT NULL constraints) becomes its own, to be
    dropped, renamed or merged into another parent's by the operations after it."""

    phase: ClassVar[str] = DROP
    table: Table
    parent: str

    @property
    def summary(self) -> str:
        return f"{self.table.key} no longer inherits from {self.parent}"


@dataclass(frozen=True)
class DetachPartition(Op):
    phase: ClassVar[str] = DROP
    table: Table

    @property
    def summary(self) -> str:
        return f"detach partition {self.table.key}"


@dataclass(frozen=True)
class AttachPartition(Op):
    table: Table

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"table:{self.table.key}",)

    @property
    def summary(self) -> str:
        return f"attach partition {self.table.key} to {self.table.partition_of}"


@dataclass(frozen=True)
class ValidateConstraint(Op):
    constraint: Constraint

    @property
    def requires(self) -> tuple[str, ...]:
        return (f"constraint:{self.constraint.key}",)

    @property
    def summary(self) -> str:
        return f"validate constraint {self.constraint.key}"


# -- sequences ------------------------------------------------------------------------


@dataclass(frozen=True)
class AlterInPlace(Op):
    """An object PostgreSQL alters in place (`old` to `new`); subclasses name the graph
    node kind and the noun for summaries."""

    node_kind: ClassVar[str] = ""
    noun: ClassVar[str] = ""
    old: object
    new: object

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"{self.node_kind}:{self.new.key}",)  # type: ignore[attr-defined]

    @property
    def summary(self) -> str:
        return f"alter {self.noun} {self.new.key}"  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AlterSequence(AlterInPlace):
    node_kind: ClassVar[str] = "sequence"
    noun: ClassVar[str] = "sequence"
    old: Sequence
    new: Sequence

@dataclass(frozen=True)
class SetSequenceOwner(Op):
    """OWNED BY a column (create phase) or NONE (drop phase, before the column goes)."""

    sequence: Sequence
    owned_by: tuple[str, str] | None

    @property
    def phase(self) -> str:  # type: ignore[override]
        return CREATE if self.owned_by else DROP

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"owner:{self.sequence.key}",)

    @property
    def requires(self) -> tuple[str, ...]:
        if self.owned_by is None:
            return ()
        return (f"sequence:{self.sequence.key}", column_node(*self.owned_by))

    @property
    def summary(self) -> str:
        return f"sequence {self.sequence.key} owned by"


# -- triggers, rules, policies, event triggers -----------------------------------------


@dataclass(frozen=True)
class SetEnabled(Op):
    """ALTER ... ENABLE / DISABLE / ENABLE REPLICA / ENABLE ALWAYS of a trigger, rule or
    event trigger."""

    kind: str
    obj: Trigger | Rule | EventTrigger
    enabled: str

    @property
    def requires(self) -> tuple[str, ...]:
        return (f"{self.kind}:{self.obj.key}",)

    @property
    def summary(self) -> str:
        return f"{self.enabled} {self.kind} {self.obj.key}"


@dataclass(frozen=True)
class AlterPolicy(Op):
    policy: Policy

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"policy:{self.policy.key}",)

    @property
    def summary(self) -> str:
        return f"alter policy {self.policy.key}"


# -- types ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AddEnumValue(Op):
    enum: EnumType
    label: str
    before: str | None
    after: str | None

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"type:{self.enum.key}",)

    @property
    def summary(self) -> str:
        return f"add value {self.label!r} to enum {self.enum.key}"


@dataclass(frozen=True)
class ReplaceType(Op):
    """A type PostgreSQL cannot alter in place while columns use it (an enum losing or
    reordering labels, a composite type changing an attribute's type): the old type is
    renamed aside, the new one created, every column using it converted (enums through
    text, composite values attribute by attribute), and the old type dropped.
    `columns` are (table key, column) pairs, columns as in the target."""

    old: EnumType | CompositeType | Domain | RangeType
    new: EnumType | CompositeType | Domain | RangeType
    columns: tuple[tuple[str, Column], ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"type:{self.new.key}", *(column_node(t, c.key) for t, c in self.columns))

    @property
    def summary(self) -> str:
        return f"replace type {self.new.key} (columns converted)"


@dataclass(frozen=True)
class RenameEnumValue(Op):
    enum: EnumType
    old: str
    new: str

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"type:{self.enum.key}",)

    @property
    def summary(self) -> str:
        return f"rename value {self.old!r} of enum {self.enum.key}"


@dataclass(frozen=True)
class AlterDomain(AlterInPlace):
    """Default and NOT NULL of a domain."""

    node_kind: ClassVar[str] = "type"
    noun: ClassVar[str] = "domain"
    old: Domain
    new: Domain

@dataclass(frozen=True)
class AddDomainCheck(Op):
    domain: Domain
    check: DomainCheck

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"type:{self.domain.key}",)

    @property
    def summary(self) -> str:
        return f"add check {self.check.name} to domain {self.domain.key}"


@dataclass(frozen=True)
class DropDomainCheck(Op):
    phase: ClassVar[str] = DROP
    domain: Domain
    check: DomainCheck

    @property
    def summary(self) -> str:
        return f"drop check {self.check.name} of domain {self.domain.key}"


@dataclass(frozen=True)
class AlterCompositeType(AlterInPlace):
    node_kind: ClassVar[str] = "type"
    noun: ClassVar[str] = "type"
    old: CompositeType
    new: CompositeType

@dataclass(frozen=True)
class AlterExtension(AlterInPlace):
    node_kind: ClassVar[str] = "extension"
    noun: ClassVar[str] = "extension"
    old: Extension
    new: Extension

@dataclass(frozen=True)
class AlterPublication(AlterInPlace):
    node_kind: ClassVar[str] = "publication"
    noun: ClassVar[str] = "publication"
    old: Publication
    new: Publication

@dataclass(frozen=True)
class AlterSubscription(AlterInPlace):
    """A subscription's connection (a secret, which the summary never shows),
    publications, options, slot and enabled state."""

    node_kind: ClassVar[str] = "subscription"
    noun: ClassVar[str] = "subscription"
    old: Subscription
    new: Subscription

# -- foreign data ---------------------------------------------------------------------


@dataclass(frozen=True)
class AlterForeignDataWrapper(AlterInPlace):
    """Handler, validator and options of a foreign-data wrapper."""

    node_kind: ClassVar[str] = "foreign_data_wrapper"
    noun: ClassVar[str] = "foreign-data wrapper"
    old: ForeignDataWrapper
    new: ForeignDataWrapper

@dataclass(frozen=True)
class AlterServer(AlterInPlace):
    """Version and options of a foreign server (its wrapper and type: recreated)."""

    node_kind: ClassVar[str] = "server"
    noun: ClassVar[str] = "server"
    old: ForeignServer
    new: ForeignServer

@dataclass(frozen=True)
class AlterUserMapping(AlterInPlace):
    """A user mapping's options: secrets, which the summary (the key) never shows."""

    node_kind: ClassVar[str] = "user_mapping"
    noun: ClassVar[str] = "user mapping"
    old: UserMapping
    new: UserMapping

@dataclass(frozen=True)
class AlterForeignTable(AlterInPlace):
    """A foreign table changed in place: columns added, table and column options,
    CHECK constraints dropped and added, and `columns`: the column-level table
    operations (defaults, NOT NULL) it runs, rendered as they are for tables."""

    node_kind: ClassVar[str] = "foreign_table"
    noun: ClassVar[str] = "foreign table"
    old: ForeignTable
    new: ForeignTable
    columns: tuple[Op, ...] = ()

@dataclass(frozen=True)
class ChangeDefaultPrivileges(Op):
    entry: DefaultPrivilege
    grants: tuple[Grant, ...]
    grant: bool

    @property
    def requires(self) -> tuple[str, ...]:
        return (f"schema:{quote_ident(self.entry.schema)}",) if self.entry.schema else ()

    @property
    def summary(self) -> str:
        return f"default privileges {self.entry.key}"


@dataclass(frozen=True)
class ReplaceFunctionBody(Op):
    """CREATE OR REPLACE of a function whose signature and result are unchanged."""

    function: Function

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"function:{self.function.key}",)

    @property
    def summary(self) -> str:
        return f"replace {self.function.kind} {self.function.key}"


@dataclass(frozen=True)
class ReplaceView(Op):
    """CREATE OR REPLACE VIEW: the new columns extend the old ones unchanged."""

    view: View

    @property
    def nodes(self) -> tuple[str, ...]:
        return (f"view:{self.view.key}",)

    @property
    def summary(self) -> str:
        return f"replace view {self.view.key}"
