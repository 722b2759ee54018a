"""Comparing two catalogs object by object: which objects to create, drop, replace or
change in place. Ordering is not decided here (see `order`).

Objects compare by value with their keys as identity, so most of this is set arithmetic;
the work is in choosing the least disruptive way PostgreSQL offers to get from one
definition to the other.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

from pgprod.catalog.acl import DefaultPrivilege, Grant
from pgprod.catalog.datatypes import CompositeType, Domain, EnumType, RangeType
from pgprod.catalog.foreign import ForeignDataWrapper, ForeignServer, ForeignTable, UserMapping
from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog, Publication, Subscription
from pgprod.catalog.relations import (
    Column,
    Constraint,
    Identity,
    Index,
    MaterializedView,
    Sequence,
    Table,
    View,
)
from pgprod.catalog.routines import Function
from pgprod.diff import ops
from pgprod.diff.ops import Op, Target
from pgprod.diff.targets import BY_ATTR, KINDS, Kind
from pgprod.names import quote_ident

_META = ("comment", "owner", "grants")


def core(obj: object, *extra: str) -> object:
    """`obj` without the fields handled separately (comment, owner, grants, `extra`)."""
    fields = {f.name for f in dataclasses.fields(obj)}  # type: ignore[arg-type]
    blank = {name: _blank(getattr(obj, name)) for name in (*_META, *extra) if name in fields}
    return dataclasses.replace(obj, **blank)  # type: ignore[type-var]


def _without_part_meta(obj: object) -> object:
    """A view, materialized view or foreign table without its columns' comments and
    grants (and a foreign table's checks' comments), which ``part_meta`` changes in
    place (a materialized view would otherwise be rebuilt)."""
    if isinstance(obj, ForeignTable):
        checks = FrozenMap([(k, dataclasses.replace(c, comment=None))
                            for k, c in obj.checks.items()])
        obj = dataclasses.replace(obj, checks=checks)
    elif not isinstance(obj, View | MaterializedView):
        return obj
    columns = FrozenMap([(k, dataclasses.replace(c, comment=None, grants=()))
                         for k, c in obj.columns.items()])
    return dataclasses.replace(obj, columns=columns)


def _blank(value: object) -> object:
    """The same stand-in on both sides, whatever the value (None for optional fields)."""
    if isinstance(value, tuple):
        return ()
    if isinstance(value, bool):
        return False
    return None


# -- comments, owners and grants --------------------------------------------------------


# Kinds whose objects columns, defaults or other objects may still use until the create
# phase changes them: a drop nothing replaces waits for the cleanup phase.
_LATE_DROPS = {"schema", "extension", "collation", "type", "function"}

# Privileges PostgreSQL gives PUBLIC on a new object (acldefault), by GRANT keyword.
_PUBLIC_DEFAULTS = {"FUNCTION": ("EXECUTE",), "PROCEDURE": ("EXECUTE",),
                    "AGGREGATE": ("EXECUTE",), "TYPE": ("USAGE",), "DOMAIN": ("USAGE",)}
# ALTER DEFAULT PRIVILEGES object types, by GRANT keyword.
_DEFAULT_ACL_TYPE = {"TABLE": "tables", "VIEW": "tables", "MATERIALIZED VIEW": "tables",
                     "SEQUENCE": "sequences", "FUNCTION": "functions",
                     "PROCEDURE": "functions", "AGGREGATE": "functions", "TYPE": "types",
                     "DOMAIN": "types", "SCHEMA": "schemas", "FOREIGN TABLE": "tables"}


# What an object's owner holds by default (acldefault), by GRANT keyword.
_OWNER_DEFAULTS = {
    "TABLE": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "SEQUENCE": ("SELECT", "UPDATE", "USAGE"), "FUNCTION": ("EXECUTE",),
    "PROCEDURE": ("EXECUTE",), "AGGREGATE": ("EXECUTE",), "TYPE": ("USAGE",),
    "DOMAIN": ("USAGE",), "SCHEMA": ("CREATE", "USAGE"), "LARGE OBJECT": ("SELECT", "UPDATE"),
    "FOREIGN DATA WRAPPER": ("USAGE",), "SERVER": ("USAGE",),
}
_RELATIONS = ("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE")


def builtin_acl(keyword: str, owner: str, server_version: int) -> set[Grant]:
    """PostgreSQL's acldefault for an object of this kind owned by `owner`."""
    relation = keyword in _RELATIONS
    owned = _OWNER_DEFAULTS.get("TABLE" if relation else keyword, ())
    if relation and server_version >= 170000:
        owned = (*owned, "MAINTAIN")
    return ({Grant(owner, p, False) for p in owned} |
            {Grant("PUBLIC", p, False) for p in _PUBLIC_DEFAULTS.get(keyword, ())})


def default_grants(target: Target, obj: object, privileges: Iterable[DefaultPrivilege],
                   server_version: int = 0, creator: str = "") -> set[Grant]:
    """What a freshly created object's ACL holds: the built-in defaults, or the
    database-wide default privileges of the role that creates it (`creator`, else its
    owner) when set, plus that role's in its schema. Created by another role than its
    owner, OWNER TO then hands the creator's privileges to the owner: default privileges
    are the creator's, never the owner's."""
    owner = creator or getattr(obj, "owner", None)
    schema = getattr(obj, "schema", None)
    object_type = _DEFAULT_ACL_TYPE.get(target.keyword)
    entries = [p for p in privileges if p.role == owner and p.object_type == object_type]
    everywhere = [p for p in entries if p.schema is None]
    if everywhere:
        grants = set(everywhere[0].grants)
    else:
        grants = builtin_acl(target.keyword, owner or "", server_version)
    for entry in entries:
        if entry.schema is not None and entry.schema == schema:
            grants |= set(entry.grants)
    new_owner = getattr(obj, "owner", None)
    if new_owner and owner and new_owner != owner:
        grants = {dataclasses.replace(g, grantee=new_owner) if g.grantee == owner else g
                  for g in grants}
    return grants


def meta(target: Target, old: object | None, new: object,
         privileges: Iterable[DefaultPrivilege] = (), creator: str = "",
         server_version: int = 0) -> list[Op]:
    """Comment, owner and grant changes from `old` (None: just created by `creator`,
    a quoted role name, with the source's default `privileges` applied) to `new`."""
    out: list[Op] = []
    old_comment = getattr(old, "comment", None) if old is not None else None
    new_comment = getattr(new, "comment", None)
    if new_comment != old_comment:
        out.append(ops.SetComment(target, new_comment))
    new_owner = getattr(new, "owner", None)
    old_owner = getattr(old, "owner", None) if old is not None else creator
    if new_owner is not None and old_owner and old_owner != new_owner:
        out.append(ops.SetOwner(target, new_owner))
    if hasattr(new, "grants"):
        if old is None:
            before = default_grants(target, new, privileges, server_version, creator)
        else:  # OWNER TO hands the old owner's privileges to the new one
            before = {dataclasses.replace(g, grantee=new_owner)
                      if old_owner and new_owner and g.grantee == old_owner else g
                      for g in old.grants}  # type: ignore[attr-defined]
        out += grant_changes(target, before, set(new.grants))
    return out


def _identity_acl(identity: Identity, owner: str, server_version: int) -> set[Grant]:
    """An identity sequence's grants (None: ``acldefault`` for the table's owner)."""
    if identity.grants is None:
        return builtin_acl("SEQUENCE", owner, server_version)
    return set(identity.grants)


def identity_grants(table: Table, old: Column | None, new: Column, old_owner: str,
                    privileges: Iterable[DefaultPrivilege], server_version: int) -> list[Op]:
    """GRANT / REVOKE on the sequence behind `new`'s identity, `table` as the target has
    it. The sequence is made anew (`old` is None or had no identity or another sequence)
    by `old_owner`, with a new sequence's grants, which OWNER TO of the table hands on
    to its owner; or it is kept, owned by `old_owner` so far."""
    identity = new.identity
    if identity is None or identity.sequence is None:
        return []
    target = Target("sequence", "SEQUENCE", identity.sequence)
    was = old.identity if old is not None else None
    if was is None or was.sequence != identity.sequence:
        before = default_grants(target, table, privileges, server_version, old_owner)
    else:  # OWNER TO hands the old owner's privileges to the new one
        before = {dataclasses.replace(g, grantee=table.owner) if g.grantee == old_owner else g
                  for g in _identity_acl(was, old_owner, server_version)}
    return grant_changes(target, before, _identity_acl(identity, table.owner, server_version))


def sans_grants(identity: Identity | None) -> Identity | None:
    """`identity` without its sequence's grants: what ``AlterIdentity`` changes."""
    return None if identity is None else dataclasses.replace(identity, grants=None)


def revoked_privileges(changes: Iterable[Op]) -> frozenset[tuple[str, str]]:
    """(grantee, privilege) pairs revoked on a whole table or view by `changes`: REVOKE
    takes them from each column as well."""
    return frozenset((g.grantee, g.privilege) for op in changes
                     if isinstance(op, ops.ChangeGrants) and not op.grant and op.column is None
                     for g in op.grants)


def grant_changes(target: Target, before: set[Grant], after: set[Grant],
                  column: str | None = None) -> list[Op]:
    out: list[Op] = []
    revoked = before - after
    granted = after - before
    # A grant option dropped on a kept privilege: REVOKE GRANT OPTION is not modelled, so
    # revoke and grant again.
    if revoked:
        out.append(ops.ChangeGrants(target, tuple(sorted(revoked)), False, column))
    if granted:
        out.append(ops.ChangeGrants(target, tuple(sorted(granted)), True, column))
    return out


# -- the comparison ---------------------------------------------------------------------


@dataclasses.dataclass
class Comparison:
    """Working state of one comparison: the two catalogs and the operations so far."""

    a: Catalog
    b: Catalog
    unchanged: frozenset[str] = frozenset()  # keys of tables already known equal
    operations: list[Op] = dataclasses.field(default_factory=list)
    dropped_tables: set[str] = dataclasses.field(default_factory=set)
    created_tables: set[str] = dataclasses.field(default_factory=set)

    @property
    def casts(self) -> frozenset[tuple[str, str]]:
        return self.a.casts | self.b.casts

    def add(self, *new: Op) -> None:
        self.operations.extend(new)

    @property
    def creator(self) -> str:
        """Who runs the migration: the role the source was read as."""
        return quote_ident(self.a.role) if self.a.role else ""

    def created_meta(self, kind: Kind, obj: object) -> list[Op]:
        return meta(kind.target(obj), None, obj, self.a.default_privileges.values(),
                    self.creator, self.a.server_version)

    def create(self, kind: Kind, obj: object, replace: bool = False) -> None:
        requires: tuple[str, ...] = ()
        if isinstance(obj, ForeignTable):  # its parents' columns first
            requires = tuple(ops.column_node(p, c)
                             for p in (obj.partition_of, *obj.inherits) if p is not None
                             for c in (self.b.tables[p].columns if p in self.b.tables else ()))
        self.add(ops.CreateObject(kind.node, obj, replace, requires),
                 *self.created_meta(kind, obj))
        if isinstance(obj, Sequence) and obj.owned_by is not None:
            self.add(ops.SetSequenceOwner(obj, obj.owned_by))
        self.add(*part_meta(None, obj))

    def drop(self, kind: Kind, obj: object, late: bool = False) -> None:
        self.add(ops.DropObject(kind.node, obj, late))

    def run(self) -> list[Op]:
        self._tables()
        for kind in KINDS:
            if kind.attr != "tables":
                self._collection(kind)
        self._default_privileges()
        return self._without_implied_drops()

    def _without_implied_drops(self) -> list[Op]:
        """Dropping a column (or table) drops the sequences it owns (serial columns)."""
        gone = {(op.table.key, op.column.key) for op in self.operations
                if isinstance(op, ops.DropColumn)}
        return [op for op in self.operations if not (
            isinstance(op, ops.DropObject) and isinstance(op.obj, Sequence)
            and op.obj.owned_by is not None
            and (op.obj.owned_by in gone or op.obj.owned_by[0] in self.dropped_tables))]

    # -- generic collections ------------------------------------------------------------

    def _collection(self, kind: Kind) -> None:
        old_map: Mapping[str, object] = kind.objects(self.a)
        new_map: Mapping[str, object] = kind.objects(self.b)
        for key, new in new_map.items():
            if derived(new):
                continue
            old = old_map.get(key)
            rebuilt = _on_table(new) in self.created_tables
            if old is None or rebuilt:
                self.create(kind, new)
            elif old != new:
                self._change(kind, old, new)
        for key, old in old_map.items():
            if key in new_map or derived(old):
                continue
            if _on_table(old) not in self.dropped_tables or self._links_dropped_tables(old):
                self.drop(kind, old, late=self._can_wait(kind, old))

    def _can_wait(self, kind: Kind, obj: object) -> bool:
        """Whether a drop can wait for the cleanup phase: its kind may still be in use
        until the create phase, and nothing created may want its name (a function of
        the same name may take its signature: function keys include argument names)."""
        if kind.node not in _LATE_DROPS:
            return False
        if isinstance(obj, Function):
            return not any(f.schema == obj.schema and f.name == obj.name
                           for f in self.b.functions.values())
        return True

    def _links_dropped_tables(self, obj: object) -> bool:
        """A foreign key between two tables that both go: dropped first, so the tables can
        go in any order (they may reference each other)."""
        return isinstance(obj, Constraint) and obj.type == "foreign key" and \
            obj.references in self.dropped_tables and obj.references != obj.table

    def _change(self, kind: Kind, old: object, new: object) -> None:
        """`old` and `new` differ: change in place where PostgreSQL can, else replace."""
        target = kind.target(new)
        if _without_part_meta(core(old)) == _without_part_meta(core(new)):
            changes = meta(target, old, new)
            self.add(*changes, *part_meta(old, new, revoked_privileges(changes)))
            return
        in_place = _in_place(kind, old, new)
        if in_place is None and isinstance(old, EnumType | Domain | RangeType) and \
                type(old) is type(new) and self._columns_of_type(old.key):
            self._replace_type(old, new)
            return
        if isinstance(old, CompositeType) and isinstance(new, CompositeType) and \
                _retyped(old, new) and self._columns_of_type(old.key):
            self._replace_type(old, new)
            return
        if in_place is None:
            self.drop(kind, old)
            self.create(kind, new)
            return
        changes = meta(target, old, new)
        self.add(*in_place, *changes, *part_meta(old, new, revoked_privileges(changes)))

    def _columns_of_type(self, type_key: str) -> list[tuple[Table, Column]]:
        """The source's columns of a type that the migration keeps (a column or table
        dropped, or a table recreated, needs no conversion: it is gone by then)."""
        kept = {key: table for key, table in self.b.tables.items()
                if key not in self.dropped_tables}
        return [(table, column) for table in self.a.tables.values() if table.key in kept
                for column in table.columns.values()
                if base_type(column.type) == type_key and column.local
                and column.key in kept[table.key].columns]

    def _replace_type(self, old: EnumType | CompositeType | Domain | RangeType,
                      new: EnumType | CompositeType | Domain | RangeType) -> None:
        """Columns keep their rows: each is converted to the new type, its default set
        aside first (it is typed with the old type)."""
        columns = []
        for table, column in self._columns_of_type(old.key):
            after = self.b.tables.get(table.key)
            target = after.columns.get(column.key) if after else None
            columns.append((table.key, target or column))
            if column.default is not None:
                self.add(ops.DropColumnDefault(table.key, column))
                if target is not None and target.default is not None:
                    self.add(ops.SetColumnDefault(table.key, target))
        kind = BY_ATTR[{EnumType: "enums", CompositeType: "composite_types", Domain: "domains",
                        RangeType: "range_types"}[type(new)]]
        self.add(ops.ReplaceType(old, new, tuple(columns)), *meta(kind.target(new), old, new))

    # -- tables ---------------------------------------------------------------------------

    def _tables(self) -> None:
        kind = BY_ATTR["tables"]
        a, b = self.a.tables, self.b.tables
        for key, old in a.items():
            now = b.get(key)
            if now is None or _must_recreate(old, now):
                self.dropped_tables.add(key)
                self.drop(kind, old)
        for key, new in b.items():
            before = a.get(key)
            if before is None or key in self.dropped_tables:
                self.created_tables.add(key)
                parents = [p for p in (new.partition_of, *new.inherits) if p is not None]
                after = tuple(ops.column_node(p, c) for p in parents
                              for c in (b[p].columns if p in b else ()))
                self.add(ops.CreateObject(kind.node, new, requires=after),
                         *self.created_meta(kind, new))
                for column in new.columns.values():
                    self.add(*_column_meta(key, None, column))
                    self.add(*self._identity_grants(new, None, column, self.creator))
                if new.replica_identity != "default" or new.row_security or \
                        new.force_row_security:
                    self.add(ops.AlterTable(_plain(new), new))
            elif key not in self.unchanged and before != new:
                self._alter_table(before, new)

    def _alter_table(self, old: Table, new: Table) -> None:
        key = new.key
        left = [p for p in old.inherits if p not in new.inherits]
        if left:
            old = self._leave_parents(old, new, left)
        self._checks_for_parents(old, new)
        if (old.partition_of, old.partition_bound) != (new.partition_of, new.partition_bound):
            if old.partition_of is not None:
                self.add(ops.DetachPartition(old))
            if new.partition_of is not None:
                self.add(ops.AttachPartition(new))
        # The table's own grants go first: a REVOKE on the table revokes that privilege
        # on each of its columns too, so column grants are given (again) after it.
        table_meta = meta(BY_ATTR["tables"].target(new), old, new)
        self.add(*table_meta)
        wiped = revoked_privileges(table_meta)
        for col_key, column in new.columns.items():
            before = old.columns.get(col_key)
            if before is None:
                if column.local or not column.inherited:
                    self.add(ops.AddColumn(new, column))
                    self.add(*_column_meta(key, None, column))
                    self.add(*self._identity_grants(new, None, column, old.owner))
            else:
                self._alter_column(old, new, before, column, wiped)
        for col_key, column in old.columns.items():
            if col_key not in new.columns and (column.local or not column.inherited):
                self.add(ops.DropColumn(old, column))
        if _table_props(old) != _table_props(new):
            self.add(ops.AlterTable(old, new))

    def _leave_parents(self, old: Table, new: Table, left: list[str]) -> Table:
        """NO INHERIT each parent in `left`, first: the columns and the CHECK and NOT NULL
        constraints the table had only from them become its own. Columns and checks the
        target does not have are dropped; the rest is compared as the table's own (the
        returned table: `old` as NO INHERIT leaves it)."""
        self.add(*(ops.NoInherit(old, parent) for parent in left))
        kept = [p for p in old.inherits if p not in left]
        still = {c for p in kept for c in getattr(self.a.tables.get(p), "columns", {})}
        columns = FrozenMap(
            (k, c if c.local or not c.inherited or k in still else
             dataclasses.replace(c, local=True, inherited=False))
            for k, c in old.columns.items())
        from_kept = {c.name for c in self.a.constraints.values() if c.table in kept}
        for constraint in self.a.constraints.values():
            if constraint.table == old.key and derived(constraint) and \
                    constraint.name not in from_kept and constraint.key not in self.b.constraints:
                self.add(ops.DropObject("constraint", constraint))
        return dataclasses.replace(old, inherits=tuple(kept), columns=columns)

    def _checks_for_parents(self, old: Table, new: Table) -> None:
        """INHERIT wants the table to have its new parents' CHECK constraints already:
        each is added first (INHERIT then merges it with the parent's)."""
        joined = [p for p in new.inherits if p not in old.inherits]
        if not joined:
            return
        names = {c.name for c in self.b.constraints.values()
                 if c.table in joined and c.type == "check"}
        for constraint in self.b.constraints.values():
            if constraint.table == new.key and derived(constraint) and \
                    constraint.name in names and constraint.key not in self.a.constraints:
                self.add(ops.CreateObject("constraint", dataclasses.replace(constraint,
                                                                            local=True)))

    def _alter_column(self, table_old: Table, table: Table, old: Column, new: Column,
                      wiped: frozenset[tuple[str, str]] = frozenset()) -> None:
        key = table.key
        if new.inherited and not new.local and old.inherited and not old.local:
            # a partition's or child's column: type and NOT NULL change with the parent
            old = dataclasses.replace(old, type=new.type, collation=new.collation,
                                      not_null=new.not_null)
        if old.generated != new.generated:
            self.add(ops.DropColumn(table_old, old), ops.AddColumn(table, new))
            self.add(*_column_meta(key, None, new))
            self.add(*self._identity_grants(table, None, new, table_old.owner))
            return
        type_changed = (old.type, old.collation) != (new.type, new.collation)
        if old.default is not None and (old.default != new.default or type_changed):
            self.add(ops.DropColumnDefault(key, old))
        if type_changed:
            direct = castable(old.type, new.type, self.casts)
            self.add(ops.AlterColumnType(key, old, new, via_text=not direct))
        if new.default is not None and (old.default != new.default or type_changed):
            self.add(ops.SetColumnDefault(key, new))
        if sans_grants(old.identity) != sans_grants(new.identity):
            self.add(ops.AlterIdentity(key, old, new))
        self.add(*self._identity_grants(table, old, new, table_old.owner))
        if old.not_null != new.not_null:
            self.add(*_not_null_changes(key, old, new))
        if (old.storage, old.compression, old.statistics, old.options) != (
                new.storage, new.compression, new.statistics, new.options):
            self.add(ops.AlterColumnDetails(
                key, old, new, storage_default=not 0 < self.a.server_version < 160000))
        self.add(*_column_meta(key, old, new, wiped))

    def _identity_grants(self, table: Table, old: Column | None, new: Column,
                         old_owner: str) -> list[Op]:
        return identity_grants(table, old, new, old_owner, self.a.default_privileges.values(),
                               self.a.server_version)

    # -- default privileges -------------------------------------------------------------

    def _default_privileges(self) -> None:
        a, b = self.a.default_privileges, self.b.default_privileges
        schemas = {schema.name for schema in self.b.schemas.values()}
        for key in sorted(set(a) | set(b)):
            old, new = a.get(key), b.get(key)
            entry = new or old
            assert entry is not None
            if entry.schema is not None and entry.schema not in schemas:
                continue  # goes with its schema
            # A database-wide entry holds the whole ACL, the role's own rights included;
            # without one, the built-in defaults apply. A per-schema entry only adds (a
            # grant to the role itself too).
            builtin = (_builtin_default_acl(entry, self.a.server_version)
                       if entry.schema is None else set())
            before = set(old.grants) if old else builtin
            after = set(new.grants) if new else builtin
            revoked, granted = before - after, after - before
            if revoked:
                self.add(ops.ChangeDefaultPrivileges(entry, tuple(sorted(revoked)), False))
            if granted:
                self.add(ops.ChangeDefaultPrivileges(entry, tuple(sorted(granted)), True))


# Types with text input and output conversions to and from every other type.
_STRING_TYPES = {"text", "character varying", "character", "name", '"char"'}
_TYPMOD = re.compile(r"\([^)]*\)")


def base_type(type_: str) -> str:
    """``character varying(20)[]`` -> ``character varying``: the type without modifiers."""
    return _TYPMOD.sub("", type_).removesuffix("[]").strip()


def castable(old: str, new: str, casts: frozenset[tuple[str, str]]) -> bool:
    """Whether ``value::new`` works for a value of type `old` (from ``pg_cast``): any
    type to or from a string type (by its text form); between two arrays when their
    elements cast; never between a scalar and an array otherwise."""
    a, b = base_type(old), base_type(new)
    a_array, b_array = old.endswith("[]"), new.endswith("[]")
    if (a in _STRING_TYPES and not a_array) or (b in _STRING_TYPES and not b_array):
        return True
    if a_array != b_array:
        return False
    return a == b or a in _STRING_TYPES or b in _STRING_TYPES or (a, b) in casts


def _builtin_default_acl(entry: DefaultPrivilege, server_version: int) -> set[Grant]:
    """What the role and PUBLIC get on new objects of the entry's type when no entry
    says otherwise (acldefault)."""
    keyword = _DEFAULT_ACL_KEYWORD.get(entry.object_type)
    return builtin_acl(keyword, entry.role, server_version) if keyword else set()


_DEFAULT_ACL_KEYWORD = {"tables": "TABLE", "sequences": "SEQUENCE", "functions": "FUNCTION",
                        "types": "TYPE", "schemas": "SCHEMA", "large objects": "LARGE OBJECT"}


def _not_null_changes(table: str, old: Column, new: Column) -> list[Op]:
    before, after = old.not_null, new.not_null
    if before is not None and after is not None:
        if before.name and after.name and dataclasses.replace(before, name=after.name) == after:
            return [ops.RenameNotNull(table, new, before.name, after.name)]
        return [ops.SetColumnNotNull(table, old, False), ops.SetColumnNotNull(table, new, True)]
    # DROP IDENTITY keeps the column's NOT NULL: a column that loses both drops it too
    return [ops.SetColumnNotNull(table, new, after is not None)]


def _plain(table: Table) -> Table:
    """`table` as CREATE TABLE leaves it, before ALTERs for identity and row security."""
    return dataclasses.replace(table, replica_identity="default", replica_identity_index=None,
                               row_security=False, force_row_security=False)


def _table_props(t: Table) -> tuple[object, ...]:
    return (t.unlogged, tuple(sorted(t.options)), t.inherits, t.of_type, t.replica_identity,
            t.replica_identity_index, t.row_security, t.force_row_security)


def _must_recreate(old: Table, new: Table) -> bool:
    """Changes PostgreSQL cannot make in place (they lose the table's rows)."""
    return (old.kind, old.partition_key, old.access_method) != (
        new.kind, new.partition_key, new.access_method)


def _column_meta(table: str, old: Column | None, new: Column,
                 wiped: frozenset[tuple[str, str]] = frozenset()) -> list[Op]:
    """Comment and grant changes of one column; `wiped`: (grantee, privilege) pairs a
    REVOKE on the whole table takes from the column before these run."""
    target = Target("column", "COLUMN", f"{table}.{new.key}")
    out: list[Op] = []
    old_comment = old.comment if old is not None else None
    if new.comment != old_comment:
        out.append(ops.SetComment(target, new.comment))
    before = {g for g in (old.grants if old is not None else ())
              if (g.grantee, g.privilege) not in wiped}
    if set(new.grants) != before:
        table_target = Target("table", "TABLE", table)
        out += grant_changes(table_target, before, set(new.grants), column=new.key)
    return out


def _on_table(obj: object) -> str | None:
    return getattr(obj, "table", None)


def derived(obj: object) -> bool:
    """Objects PostgreSQL makes by itself: constraints, indexes and triggers that a
    partition or an inheritance child gets from its parent."""
    if isinstance(obj, Constraint):
        return obj.inherited and not obj.local
    if isinstance(obj, Index):
        return obj.parent is not None
    return bool(getattr(obj, "inherited", False))


def _in_place(kind: Kind, old: object, new: object) -> list[Op] | None:
    """Operations that change `old` into `new` without dropping it, or None."""
    if isinstance(new, Constraint) and isinstance(old, Constraint):
        if core(old, "valid", "definition") == core(new, "valid", "definition") and \
                not old.valid and new.valid and \
                old.definition.removesuffix(" NOT VALID") == new.definition:
            return [ops.ValidateConstraint(new)]
        return None
    if isinstance(new, Sequence) and isinstance(old, Sequence):
        out: list[Op] = []
        if (old.options, old.unlogged) != (new.options, new.unlogged):
            out.append(ops.AlterSequence(old, new))
        if old.owned_by != new.owned_by:
            if old.owned_by is not None:
                out.append(ops.SetSequenceOwner(old, None))
            if new.owned_by is not None:
                out.append(ops.SetSequenceOwner(new, new.owned_by))
        return out
    if isinstance(new, Function) and isinstance(old, Function):
        same_shape = (old.kind, old.arguments, old.result) == (new.kind, new.arguments,
                                                                new.result)
        return [ops.ReplaceFunctionBody(new)] if same_shape else None
    if isinstance(new, View) and isinstance(old, View):
        if _extends(old.columns, new.columns) and old.options == new.options:
            return [ops.ReplaceView(new)]
        return None
    if isinstance(new, EnumType) and isinstance(old, EnumType):
        return _enum_changes(old, new)
    if isinstance(new, Domain) and isinstance(old, Domain):
        return _domain_changes(old, new)
    if isinstance(new, CompositeType) and isinstance(old, CompositeType):
        return [ops.AlterCompositeType(old, new)]
    if isinstance(new, ForeignDataWrapper | ForeignServer | UserMapping | ForeignTable):
        return _foreign_changes(old, new)
    if isinstance(new, Publication) and isinstance(old, Publication):
        return [ops.AlterPublication(old, new)] if old.all_tables == new.all_tables else None
    if isinstance(new, Subscription) and isinstance(old, Subscription):
        # Made again (nothing local depends on a subscription) when two_phase or
        # failover changes (not altered in place before 18, nor without a slot on 18),
        # or when its new slot is a name only connect = false gives (upper case,
        # spaces...: refused when stated, see render.subscriptions).
        same = (old.two_phase, old.failover) == (new.two_phase, new.failover)
        settable = new.slot_name in (old.slot_name, None) or \
            re.fullmatch("[a-z0-9_]+", new.slot_name) is not None
        return [ops.AlterSubscription(old, new)] if same and settable else None
    if kind.node in ("trigger", "rule", "event_trigger"):
        if core(old, "enabled") == core(new, "enabled"):
            return [ops.SetEnabled(kind.node, new, new.enabled)]  # type: ignore[arg-type, attr-defined]
        return None
    if kind.node == "policy":
        removes = any(getattr(old, f) is not None and getattr(new, f) is None
                      for f in ("using", "with_check"))  # ALTER POLICY cannot remove one
        if not removes and core(old, "roles", "using", "with_check") == core(
                new, "roles", "using", "with_check"):
            return [ops.AlterPolicy(new)]  # type: ignore[arg-type]
        return None
    if kind.node == "extension":
        if core(old, "version", "schema") == core(new, "version", "schema"):
            return [ops.AlterExtension(old, new)]  # type: ignore[arg-type]
        return None
    return None


def part_meta(old: object | None, new: object,
              wiped: frozenset[tuple[str, str]] = frozenset()) -> list[Op]:
    """Comments (and column grants) on the parts of an object that the object's own
    comparison does not cover: columns of views and materialized views, attributes of
    composite types, checks of domains. `wiped`: (grantee, privilege) pairs a REVOKE on
    the whole view has just taken from its columns."""
    if isinstance(new, View | MaterializedView | CompositeType):
        parts = new.attributes if isinstance(new, CompositeType) else new.columns
        before_parts = {} if old is None else (
            old.attributes if isinstance(old, CompositeType) else old.columns)  # type: ignore[attr-defined]
        out: list[Op] = [
            ops.SetComment(Target("column", "COLUMN", f"{new.key}.{k}"), c.comment)
            for k, c in parts.items()
            if c.comment != getattr(before_parts.get(k), "comment", None)]
        for k, c in parts.items():  # column grants: views and materialized views
            if isinstance(new, View | MaterializedView):
                before_grants = {g for g in getattr(before_parts.get(k), "grants", ())
                                 if (g.grantee, g.privilege) not in wiped}
                if set(c.grants) != before_grants:
                    out += grant_changes(BY_ATTR["views" if isinstance(new, View) else
                                                 "materialized_views"].target(new),
                                         before_grants, set(c.grants), column=k)
        if isinstance(new, View):  # a view's columns may have defaults (for inserts)
            for k, c in parts.items():
                before = getattr(before_parts.get(k), "default", None)
                if c.default != before:
                    out.append(ops.SetColumnDefault(new.key, c) if c.default is not None
                               else ops.DropColumnDefault(new.key, before_parts[k]))
        return out
    if isinstance(new, ForeignTable):
        return _foreign_table_meta(old if isinstance(old, ForeignTable) else None, new, wiped)
    if isinstance(new, Domain):
        before_checks = old.checks if isinstance(old, Domain) else {}
        return [ops.SetComment(Target("constraint", "CONSTRAINT", quote_ident(c.name),
                                      on=new.key, on_keyword="DOMAIN"), c.comment)
                for k, c in new.checks.items()
                if c.comment != getattr(before_checks.get(k), "comment", None)]
    return []


def _retyped(old: CompositeType, new: CompositeType) -> bool:
    """An attribute kept but given another type (ALTER ATTRIBUTE TYPE)."""
    return any(k in new.attributes and (a.type, a.collation) != (
        new.attributes[k].type, new.attributes[k].collation) for k, a in old.attributes.items())


def _extends(old: Mapping[str, Column], new: Mapping[str, Column]) -> bool:
    """CREATE OR REPLACE VIEW may only append columns, keeping names and types."""
    old_cols = [(c.key, c.type, c.collation) for c in old.values()]
    new_cols = [(c.key, c.type, c.collation) for c in new.values()]
    return new_cols[:len(old_cols)] == old_cols


def _enum_changes(old: EnumType, new: EnumType) -> list[Op] | None:
    if core(old, "labels") != core(new, "labels"):
        return None
    labels = list(old.labels)
    if len(labels) == len(new.labels):
        renamed = [(o, n) for o, n in zip(labels, new.labels, strict=True) if o != n]
        if len(renamed) == 1:
            return [ops.RenameEnumValue(new, *renamed[0])]
        return None
    if not _is_subsequence(labels, new.labels):
        return None
    out: list[Op] = []
    for i, label in enumerate(new.labels):
        if label in labels:
            continue
        if i + 1 < len(new.labels) and new.labels[i + 1] in labels:
            out.append(ops.AddEnumValue(new, label, before=new.labels[i + 1], after=None))
        else:
            out.append(ops.AddEnumValue(new, label, before=None,
                                        after=new.labels[i - 1] if i else None))
        labels.insert(i, label)
    return out


def _is_subsequence(small: Iterable[str], big: Iterable[str]) -> bool:
    it = iter(big)
    return all(item in it for item in small)


def _domain_changes(old: Domain, new: Domain) -> list[Op] | None:
    if core(old, "default", "not_null", "checks") != core(new, "default", "not_null", "checks"):
        return None
    out: list[Op] = []
    if (old.default, old.not_null) != (new.default, new.not_null):
        out.append(ops.AlterDomain(old, new))
    def same(a: object, b: object) -> bool:
        return a is not None and b is not None and core(a) == core(b)

    for name, check in old.checks.items():
        if not same(new.checks.get(name), check):
            out.append(ops.DropDomainCheck(old, check))
    for name, check in new.checks.items():
        if not same(old.checks.get(name), check):
            out.append(ops.AddDomainCheck(new, check))
    return out


# -- foreign data -------------------------------------------------------------------------


def _foreign_changes(old: object, new: object) -> list[Op] | None:
    """In-place changes of a wrapper, server, user mapping or foreign table, or None
    when it must be recreated (a server's wrapper or type; see ``_foreign_table_changes``)."""
    if isinstance(old, ForeignDataWrapper) and isinstance(new, ForeignDataWrapper):
        return [ops.AlterForeignDataWrapper(old, new)]
    if isinstance(old, ForeignServer) and isinstance(new, ForeignServer):
        if (old.wrapper, old.type) != (new.wrapper, new.type):
            return None
        return [ops.AlterServer(old, new)]
    if isinstance(old, UserMapping) and isinstance(new, UserMapping):
        if old.options is None or new.options is None:
            return []  # options one side may not read: left alone
        return [ops.AlterUserMapping(old, new)]
    if isinstance(old, ForeignTable) and isinstance(new, ForeignTable):
        return _foreign_table_changes(old, new)
    return None


# What ALTER FOREIGN TABLE changes of a column it keeps; anything else (type, collation,
# generation, storage details) recreates the table: its rows live on the remote side.
_FOREIGN_IN_PLACE = ("default", "not_null", "comment", "grants")


def _foreign_table_changes(old: ForeignTable, new: ForeignTable) -> list[Op] | None:
    """A foreign table altered in place: columns added (without storage details),
    defaults, NOT NULL, options and checks; None when it must be recreated (another
    server, other parents or partition bound, a column of its own dropped or one changed
    otherwise; a column it only inherits comes and goes with its parent's)."""
    if (old.server, old.inherits, old.partition_of, old.partition_bound) != (
            new.server, new.inherits, new.partition_of, new.partition_bound):
        return None  # no rows are local: made again under its new parents
    columns: list[Op] = []
    for key, before in old.columns.items():
        after = new.columns.get(key)
        if after is None and before.inherited and not before.local:
            continue  # goes with its parent's DROP COLUMN
        if after is None or core(before, *_FOREIGN_IN_PLACE) != core(after, *_FOREIGN_IN_PLACE):
            return None
        if before.default != after.default:
            columns.append(ops.SetColumnDefault(new.key, after) if after.default is not None
                           else ops.DropColumnDefault(new.key, before))
        if before.not_null != after.not_null:
            columns += _not_null_changes(new.key, before, after)
    for key, added in new.columns.items():
        if key not in old.columns and (added.local or not added.inherited) and (
                added.storage, added.compression, added.statistics,
                added.options) != (None, None, None, ()):
            return None
    return [ops.AlterForeignTable(old, new, tuple(columns))]


def _foreign_table_meta(old: ForeignTable | None, new: ForeignTable,
                        wiped: frozenset[tuple[str, str]]) -> list[Op]:
    """Comments and grants of a foreign table's columns, and its checks' comments."""
    table = Target("foreign_table", "FOREIGN TABLE", new.key)
    out: list[Op] = []
    for key, column in new.columns.items():
        before = old.columns.get(key) if old is not None else None
        if column.comment != (before.comment if before is not None else None):
            out.append(ops.SetComment(Target("column", "COLUMN", f"{new.key}.{key}"),
                                      column.comment))
        before_grants = {g for g in (before.grants if before is not None else ())
                         if (g.grantee, g.privilege) not in wiped}
        if set(column.grants) != before_grants:
            out += grant_changes(table, before_grants, set(column.grants), column=key)
    for key, check in new.checks.items():
        before_check = old.checks.get(key) if old is not None else None
        if check.comment != (before_check.comment if before_check is not None else None):
            out.append(ops.SetComment(Target("constraint", "CONSTRAINT", key, on=new.key),
                                      check.comment))
    return out
