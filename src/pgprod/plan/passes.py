"""The planning passes of the step compiler, run over the whole migration before any op
is compiled: which rewriting type changes and confirmed column renames a shadow column
carries (and the ops it takes over), which primary keys are replaced through a new
index, which drops wait for the contract phase. Their answers, by op index, make the
`Planning` the per-operation compile functions read. Pure: reads no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Constraint, Index, Table
from pgprod.catalog.routines import Function
from pgprod.diff import ops
from pgprod.diff.render import render
from pgprod.names import quote_ident
from pgprod.plan import shadow
from pgprod.plan.context import Context, rewrites
from pgprod.plan.steps import has_rows

# Drops the running (old) app may still use: they wait for the contract phase.
_DEFERRED_KINDS = {"table", "view", "matview", "function", "sequence", "index", "schema",
                   "constraint", "type", "extension", "collation"}
# Ops the shadow machinery of a column takes over (it applies the target's state itself).
_COLUMN_OPS = (ops.DropColumnDefault, ops.SetColumnDefault, ops.SetColumnNotNull,
               ops.RenameNotNull, ops.AlterColumnDetails)


@dataclass(frozen=True)
class ReplacedKey:
    """A primary key the new one replaces: `old` is dropped by the statement attaching the
    new key, and `after` (its columns' DROP NOT NULL) follow in that transaction."""

    old: Constraint
    after: tuple[str, ...]


@dataclass(frozen=True)
class Planning:
    """What the passes decided, by index of the op in the migration: `shadowed` type
    changes and renames done expand/contract; `claimed` ops another op's strategy
    carries out (never compiled themselves); `fallback` type changes and renames that
    cannot be shadowed, with why; `deferred` drops moved to the contract phase;
    `replaced_keys` new primary keys' ops with the key they replace."""

    context: Context
    ops: tuple[ops.Op, ...]
    shadowed: frozenset[int] = frozenset()
    claimed: frozenset[int] = frozenset()
    fallback: Mapping[int, str] = field(default_factory=dict)
    deferred: frozenset[int] = frozenset()
    replaced_keys: Mapping[int, ReplacedKey] = field(default_factory=dict)

    def rows(self, table: str) -> bool:
        """Whether prod's table (by target key) holds rows."""
        return has_rows(self.context, table)


def plan(operations: Sequence[ops.Op], context: Context) -> Planning:
    """Run the passes in order: shadows first (what a shadow takes over is neither a key
    replacement nor a drop of its own), then key replacements, then deferred drops."""
    ops_ = tuple(operations)
    shadowed, claimed, fallback = _plan_shadows(ops_, context)
    keys_claim, replaced = _plan_key_replacements(ops_, context, claimed)
    claimed |= keys_claim
    return Planning(context, ops_, frozenset(shadowed), frozenset(claimed), fallback,
                    frozenset(_plan_drops(ops_, context, claimed)), replaced)


# -- shadow columns ----------------------------------------------------------------------------


def _plan_shadows(ops_: Sequence[ops.Op],
                  context: Context) -> tuple[set[int], set[int], dict[int, str]]:
    """Type changes that rewrite and confirmed column renames, done expand/contract when
    a shadow column can carry everything on the column; the others fall back to their
    plain statement, marked with the reason. Returns (shadowed, claimed, fallback)."""
    shadowed: set[int] = set()
    claimed: set[int] = set()
    fallback: dict[int, str] = {}
    carried: set[str] = set()
    for index, op in enumerate(ops_):
        column = _candidate(op, context)
        if column is None:
            continue
        table, key = column
        claims, rebuilt = _attached(ops_, context, table, key)
        others = [i for i in _touching(ops_, index, table, key) if i not in claims]
        reason = shadow.blocker(context, table, key)
        if reason is None and others:
            reason = f"it also changes by {ops_[others[0]].summary}"
        if reason is None and (rebuilt & carried or any(i in shadowed for i in claims)):
            reason = "an index or constraint also uses another column it changes"
        if reason is not None:
            fallback[index] = reason
            continue
        shadowed.add(index)
        claimed |= claims
        carried |= rebuilt
    return shadowed, claimed, fallback


def _candidate(op: ops.Op, context: Context) -> tuple[str, str] | None:
    """(table, column) by target keys when `op` would be done by a shadow column: a type
    change that rewrites a table with rows, or a rename of a column of prod's table."""
    if isinstance(op, ops.AlterColumnType):
        if has_rows(context, op.table) and rewrites(op.old, op.new, context.coercible):
            return op.table, op.new.key
    elif isinstance(op, ops.RenameColumn) and context.prod_table(op.table) is not None:
        return op.table, quote_ident(op.new_name)
    return None


def _touching(ops_: Sequence[ops.Op], index: int, table: str, column: str) -> list[int]:
    """Other ops that change the column itself."""
    node = ops.column_node(table, column)
    return [i for i, op in enumerate(ops_) if i != index and node in op.nodes]


def _column_ops(ops_: Sequence[ops.Op], table: str, column: str) -> set[int]:
    """Ops on a column's default, NOT NULL, details, comment and grants."""
    out = set()
    for i, op in enumerate(ops_):
        if isinstance(op, _COLUMN_OPS):
            key = (op.new if isinstance(op, ops.AlterColumnDetails) else op.column).key
            mine = op.table == table and key == column
        elif isinstance(op, ops.SetComment):
            mine = op.target.kind == "column" and op.target.name == f"{table}.{column}"
        else:
            mine = isinstance(op, ops.ChangeGrants) and op.target.name == table and \
                op.column == column
        if mine:
            out.add(i)
    return out


def _attached(ops_: Sequence[ops.Op], context: Context, table: str,
              column: str) -> tuple[set[int], set[str]]:
    """Ops a shadow of `column` carries out itself (its default, NOT NULL, details,
    comment, grants; the indexes and constraints on it, dropped with the old column
    and rebuilt on the shadow), and the keys of the target's indexes and
    constraints it rebuilds."""
    claims = _column_ops(ops_, table, column)
    indexes = {i.key for i in shadow.indexes_on(context, table, column)}
    constraints = {c.key for c in shadow.constraints_on(context, table, column)}
    rebuilt = indexes | constraints
    nodes = {f"index:{k}" for k in indexes} | {f"constraint:{k}" for k in constraints}
    dropped = shadow.source_indexes_on(context, table, column) | \
        shadow.source_constraints_on(context, table, column)
    for i, other in enumerate(ops_):
        if isinstance(other, ops.CreateObject | ops.DropObject):
            mine = isinstance(other.obj, Index | Constraint) and \
                other.obj.key in rebuilt | dropped
        elif isinstance(other, ops.ValidateConstraint):
            mine = other.constraint.key in rebuilt
        else:
            mine = isinstance(other, ops.SetComment) and other.target.node in nodes
        if mine:
            claims.add(i)
    return claims, rebuilt


# -- primary keys replaced ---------------------------------------------------------------------


def _plan_key_replacements(ops_: Sequence[ops.Op], context: Context,
                           claimed: set[int]) -> tuple[set[int], dict[int, ReplacedKey]]:
    """A table's primary key replaced by another: the old one is dropped in the
    statement that attaches the new one (built beforehand), never leaving the table
    without a key, even when the build fails. Columns of the old key that lose their
    NOT NULL lose it in that statement's transaction, after it. Returns the ops this
    claims and the replacements by the new key's op."""
    dropped = {op.obj.table: i for i, op in enumerate(ops_)
               if isinstance(op, ops.DropObject) and isinstance(op.obj, Constraint)
               and op.obj.type == "primary key" and i not in claimed}
    claims: set[int] = set()
    replaced: dict[int, ReplacedKey] = {}
    for index, op in enumerate(ops_):
        if not (isinstance(op, ops.CreateObject) and isinstance(op.obj, Constraint)):
            continue
        key = op.obj
        old = dropped.get(key.table)
        if key.type != "primary key" or old is None or not has_rows(context, key.table) \
                or not context.adds_online(key):
            continue
        drop = ops_[old]
        assert isinstance(drop, ops.DropObject) and isinstance(drop.obj, Constraint)
        after = [i for i, o in enumerate(ops_) if isinstance(o, ops.SetColumnNotNull)
                 and o.table == key.table and not o.not_null
                 and o.column.key in drop.obj.columns]
        claims |= {old, *after}
        replaced[index] = ReplacedKey(drop.obj, tuple(t for i in after
                                                      for t in render(ops_[i])))
    return claims, replaced


# -- drops deferred to the contract phase --------------------------------------------------------


def _plan_drops(ops_: Sequence[ops.Op], context: Context, claimed: set[int]) -> set[int]:
    """The drops that wait for the contract phase: those the old app may still use, whose
    nodes (and what they depend on) no later op needs, nor a drop kept in place after
    them (a dependent of a drop kept in place must go before it)."""
    depends = context.source.dependencies
    taken = _taken(context.target)
    reach = {i: _reach(ops_[i], depends) for i in range(len(ops_))
             if i not in claimed and _droppable(ops_[i], context, taken)}
    deferred: set[int] = set()
    for index in sorted(reach, reverse=True):
        later = (set(ops_[j].nodes) for j in range(index + 1, len(ops_))
                 if j not in deferred and j not in claimed)
        if not any(reach[index] & nodes for nodes in later):
            deferred.add(index)
    in_place = [i for i, op in enumerate(ops_) if i not in claimed and
                op.phase in (ops.DROP, ops.CLEANUP)]
    changed = True
    while changed:
        changed = False
        for index in sorted(deferred):
            own = set(ops_[index].nodes)
            for kept in in_place:
                if kept in deferred:
                    continue
                if kept > index and ((reach[index] - own) & set(ops_[kept].nodes)
                                     or _references(context, ops_[index], ops_[kept])):
                    deferred.discard(index)
                    changed = True
                    break
    return deferred


def _droppable(op: ops.Op, context: Context, taken: set[str]) -> bool:
    """Whether a drop may wait for the contract phase, by what it is; `taken`: the names
    the target gives relations and types."""
    if isinstance(op, ops.DropColumn):
        return True
    if not isinstance(op, ops.DropObject) or op.kind not in _DEFERRED_KINDS:
        return False
    obj = op.obj
    if isinstance(obj, Constraint):
        # a table has one primary key: the new one may need the old one gone
        return obj.type != "primary key" and (obj.index is None or obj.index not in taken)
    if isinstance(obj, Table):
        return obj.partition_of is None  # a partition keeps taking rows of its range
    if isinstance(obj, Function):
        # a function of the same name may take its signature (keys name arguments)
        return not any(f.schema == obj.schema and f.name == obj.name
                       for f in context.target.functions.values())
    key = getattr(obj, "key", None)
    return key not in taken


def _taken(target: Catalog) -> set[str]:
    """Names the target gives relations and types (one namespace in PostgreSQL): a
    drop of something of the same name cannot wait."""
    taken = set(target.tables) | set(target.views) | set(target.materialized_views) | \
        set(target.sequences) | set(target.indexes) | set(target.enums) | \
        set(target.domains) | set(target.composite_types) | set(target.range_types)
    for table in target.tables.values():
        taken |= {c.identity.sequence for c in table.columns.values() if c.identity}
    for constraint in target.constraints.values():
        if constraint.index:
            taken.add(constraint.index)
        schema = target.tables[constraint.table].schema \
            if constraint.table in target.tables else ""
        taken.add(f"{quote_ident(schema)}.{quote_ident(constraint.name)}")
    return taken


def _references(context: Context, drop: ops.Op, kept: ops.Op) -> bool:
    """A foreign key (or a table holding one) and a table or partition it references:
    pg_depend ties the key to each partition through clones the graph folds away."""
    if not (isinstance(drop, ops.DropObject) and isinstance(kept, ops.DropObject)
            and isinstance(kept.obj, Table)):
        return False
    if isinstance(drop.obj, Constraint):
        keys = [drop.obj]
    elif isinstance(drop.obj, Table):
        keys = [c for c in context.source.constraints.values()
                if c.table == drop.obj.key and c.type == "foreign key"]
    else:
        return False
    return any(c.references in (kept.obj.key, kept.obj.partition_of) for c in keys)


def _reach(op: ops.Op, depends: Mapping[str, tuple[str, ...]]) -> set[str]:
    """A drop's nodes and the nodes they depend on (prod's graph)."""
    nodes = set(op.nodes)
    for node in op.nodes:
        nodes |= set(depends.get(node, ()))
    return nodes
