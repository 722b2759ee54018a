"""The step compiler: each change of the migration becomes the steps that apply it
without blocking the running app where PostgreSQL allows it.

    steps = compile_steps(zip(changes, context.migration.operations), context)

Steps come ordered by phase — every expand step (in migration order), then migrate,
then contract — and within a phase in migration order. Strategies apply to tables that
exist in prod and hold rows; everything else is the engine's plain `render(op)`. Pure:
reads no database (see `pgprod.plan.execute` for running the steps).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence

from psycopg import sql

from pgprod.catalog.relations import Constraint, Index, Table
from pgprod.catalog.routines import Function
from pgprod.diff import ops
from pgprod.diff.render import render
from pgprod.names import ident, quote_ident
from pgprod.plan import shadow
from pgprod.plan.context import Context, rewrites
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, PHASES, Change, Step
from pgprod.plan.steps import (
    BRIEF,
    BUILD,
    BUILD_BLOCKING,
    BUILD_RATE,
    CHECK_BLOCKING,
    CONCURRENT,
    LARGE_ROWS,
    NEW_OBJECT,
    NO_LOCK,
    REWRITE,
    REWRITE_RATE,
    SCAN_RATE,
    SHARE_BRIEF,
    SHARE_ROW_BRIEF,
    Builder,
    aside,
    duration,
    fragment,
    has_rows,
    table_size,
    text,
)

# Drops the running (old) app may still use: they wait for the contract phase.
_DEFERRED_KINDS = {"table", "view", "matview", "function", "sequence", "index", "schema",
                   "constraint", "type", "extension", "collation"}
# Ops the shadow machinery of a column takes over (it applies the target's state itself).
_COLUMN_OPS = (ops.DropColumnDefault, ops.SetColumnDefault, ops.SetColumnNotNull,
               ops.RenameNotNull, ops.AlterColumnDetails)


def compile_steps(changes: Sequence[tuple[Change, ops.Op]], context: Context) -> tuple[Step, ...]:
    """All steps of the plan, ordered expand, migrate, contract (pure)."""
    return _Compiler(changes, context).run()


class _Compiler:
    def __init__(self, changes: Sequence[tuple[Change, ops.Op]], context: Context) -> None:
        self.changes = list(changes)
        self.ops = [op for _, op in self.changes]
        self.context = context
        self.claimed: set[int] = set()  # ops another op's strategy carries out
        self.shadowed: set[int] = set()  # type changes and renames done expand/contract
        self.fallback: dict[int, str] = {}  # type changes, renames that cannot be: why
        self.deferred: set[int] = set()  # drops moved to the contract phase
        self.ready: dict[str, int] = {}  # graph node -> phase index where it is final
        # new primary key's op -> the old key and what follows its drop (DROP NOT NULL)
        self.replaced_keys: dict[int, tuple[Constraint, tuple[str, ...]]] = {}

    def run(self) -> tuple[Step, ...]:
        self._plan_shadows()
        self._plan_key_replacements()
        self._plan_drops()
        per_op: list[list[Step]] = []
        for index, (change, op) in enumerate(self.changes):
            b = Builder(change.id)
            if index not in self.claimed:
                self._compile(index, op, b)
                if index not in self.deferred:
                    b.steps = self._after_dependencies(op, b.steps)
            per_op.append(b.steps)
        for group in self._rebuild_groups():
            self._merge(group, per_op)
        steps = [s for own in per_op for s in own]
        return tuple(sorted(steps, key=lambda s: PHASES.index(s.phase)))

    # -- dependents dropped and recreated ------------------------------------------------------

    def _rebuild_groups(self) -> list[list[int]]:
        """Ops that must run in one transaction, each group in op order: a dependent the
        diff drops and recreates (a view over a column whose type changes, a column's
        default), its recreation, and the ops between them that needed it gone. Apart,
        the app's statements on the dependent would fail between the steps."""
        depends = self.context.source.dependencies
        group = list(range(len(self.ops)))

        def root(i: int) -> int:
            while group[i] != i:
                i = group[i]
            return i

        created: dict[str, int] = {}
        for j, op in enumerate(self.ops):
            if op.phase == ops.CREATE and j not in self.claimed:
                for node in op.nodes:
                    created.setdefault(node, j)
        for i, op in enumerate(self.ops):
            if op.phase != ops.DROP or i in self.claimed or i in self.deferred:
                continue
            for node in op.nodes:
                j = created.get(node, -1)
                if j < i:
                    continue
                group[root(j)] = root(i)
                needs = set(depends.get(node, ()))
                for k in range(i + 1, j):
                    if needs & set(self.ops[k].nodes):
                        group[root(k)] = root(i)
        out: dict[int, list[int]] = {}
        for i in range(len(self.ops)):
            out.setdefault(root(i), []).append(i)
        return [members for members in out.values() if len(members) > 1]

    def _merge(self, members: list[int], per_op: list[list[Step]]) -> None:
        """The steps of `members` as one step where the last of them was, when each is a
        plain transactional expand statement (otherwise they stay apart)."""
        parts = [s for i in members for s in per_op[i]]
        if len(parts) < 2 or not all(s.phase == EXPAND and s.transaction and s.batches is None
                                     for s in parts):
            return
        rebuilding = {i for i in members if self.ops[i].phase == ops.DROP} | {
            j for j in members if self.ops[j].phase == ops.CREATE and any(
                set(self.ops[j].nodes) & set(self.ops[i].nodes) for i in members
                if self.ops[i].phase == ops.DROP)}
        causes = [i for i in members if i not in rebuilding and per_op[i]] or members
        cause = next((i for i in causes if any(s.maintenance for s in per_op[i])), causes[0])
        locks = [s.lock for s in parts]
        lock = next((strong for strong in (REWRITE, BUILD_BLOCKING, BUILD, SHARE_ROW_BRIEF)
                     if strong in locks), BRIEF)
        reasons = list(dict.fromkeys(s.maintenance for s in parts if s.maintenance))
        merged = Step(";\n".join(s.sql for s in parts), EXPAND, self.changes[cause][0].id,
                      f"{self.ops[cause].summary}, with what depends on it dropped and "
                      "recreated in the same transaction", transaction=True, lock=lock,
                      seconds=round(sum(s.seconds for s in parts), 1),
                      maintenance="; ".join(reasons) or None,
                      retry=all(s.retry for s in parts))
        last = max(i for i in members if per_op[i])
        for i in members:
            per_op[i] = []
        per_op[last] = [merged]

    # -- planning ---------------------------------------------------------------------------

    def _rows(self, table: str) -> bool:
        return has_rows(self.context, table)

    def _touching(self, index: int, table: str, column: str) -> list[int]:
        """Other ops that change the column itself."""
        node = ops.column_node(table, column)
        return [i for i, op in enumerate(self.ops) if i != index and node in op.nodes]

    def _column_ops(self, table: str, column: str) -> set[int]:
        """Ops on a column's default, NOT NULL, details, comment and grants."""
        out = set()
        for i, op in enumerate(self.ops):
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

    def _attached(self, table: str, column: str) -> tuple[set[int], set[str]]:
        """Ops a shadow of `column` carries out itself (its default, NOT NULL, details,
        comment, grants; the indexes and constraints on it, dropped with the old column
        and rebuilt on the shadow), and the keys of the target's indexes and
        constraints it rebuilds."""
        claims = self._column_ops(table, column)
        indexes = {i.key for i in shadow.indexes_on(self.context, table, column)}
        constraints = {c.key for c in shadow.constraints_on(self.context, table, column)}
        rebuilt = indexes | constraints
        nodes = {f"index:{k}" for k in indexes} | {f"constraint:{k}" for k in constraints}
        dropped = shadow.source_indexes_on(self.context, table, column) | \
            shadow.source_constraints_on(self.context, table, column)
        for i, other in enumerate(self.ops):
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

    def _plan_shadows(self) -> None:
        """Type changes that rewrite and confirmed column renames, done expand/contract
        when a shadow column can carry everything on the column; the others fall back to
        their plain statement, marked with the reason."""
        carried: set[str] = set()
        for index, op in enumerate(self.ops):
            if isinstance(op, ops.AlterColumnType):
                if not self._rows(op.table) or \
                        not rewrites(op.old, op.new, self.context.coercible):
                    continue
                table, column = op.table, op.new.key
            elif isinstance(op, ops.RenameColumn):
                if self.context.prod_table(op.table) is None:
                    continue
                table, column = op.table, quote_ident(op.new_name)
            else:
                continue
            claims, rebuilt = self._attached(table, column)
            others = [i for i in self._touching(index, table, column) if i not in claims]
            reason = shadow.blocker(self.context, table, column)
            if reason is None and others:
                reason = f"it also changes by {self.ops[others[0]].summary}"
            if reason is None and (rebuilt & carried or any(i in self.shadowed
                                                               for i in claims)):
                reason = "an index or constraint also uses another column it changes"
            if reason is not None:
                self.fallback[index] = reason
                continue
            self.shadowed.add(index)
            self.claimed |= claims
            carried |= rebuilt

    def _droppable(self, index: int) -> bool:
        """Whether a drop may wait for the contract phase, by what it is."""
        op = self.ops[index]
        if isinstance(op, ops.DropColumn):
            return True
        if not isinstance(op, ops.DropObject) or op.kind not in _DEFERRED_KINDS:
            return False
        obj = op.obj
        if isinstance(obj, Constraint):
            # a table has one primary key: the new one may need the old one gone
            return obj.type != "primary key" and (obj.index is None or
                                                  obj.index not in self._taken)
        if isinstance(obj, Table):
            return obj.partition_of is None  # a partition keeps taking rows of its range
        if isinstance(obj, Function):
            # a function of the same name may take its signature (keys name arguments)
            return not any(f.schema == obj.schema and f.name == obj.name
                           for f in self.context.target.functions.values())
        key = getattr(obj, "key", None)
        return key not in self._taken

    @functools.cached_property
    def _taken(self) -> set[str]:
        """Names the target gives relations and types (one namespace in PostgreSQL): a
        drop of something of the same name cannot wait."""
        target = self.context.target
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

    def _plan_key_replacements(self) -> None:
        """A table's primary key replaced by another: the old one is dropped in the
        statement that attaches the new one (built beforehand), never leaving the table
        without a key, even when the build fails. Columns of the old key that lose their
        NOT NULL lose it in that statement's transaction, after it."""
        dropped = {op.obj.table: i for i, op in enumerate(self.ops)
                   if isinstance(op, ops.DropObject) and isinstance(op.obj, Constraint)
                   and op.obj.type == "primary key" and i not in self.claimed}
        for index, op in enumerate(self.ops):
            if not (isinstance(op, ops.CreateObject) and isinstance(op.obj, Constraint)):
                continue
            key = op.obj
            old = dropped.get(key.table)
            if key.type != "primary key" or old is None or not self._rows(key.table) or \
                    not self.context.adds_online(key):
                continue
            drop = self.ops[old]
            assert isinstance(drop, ops.DropObject) and isinstance(drop.obj, Constraint)
            after = [i for i, o in enumerate(self.ops) if isinstance(o, ops.SetColumnNotNull)
                     and o.table == key.table and not o.not_null
                     and o.column.key in drop.obj.columns]
            self.claimed |= {old, *after}
            self.replaced_keys[index] = (
                drop.obj, tuple(t for i in after for t in render(self.ops[i])))

    def _plan_drops(self) -> None:
        depends = self.context.source.dependencies
        reach = {i: _reach(self.ops[i], depends) for i in range(len(self.ops))
                 if i not in self.claimed and self._droppable(i)}
        for index in sorted(reach, reverse=True):
            later = (set(self.ops[j].nodes) for j in range(index + 1, len(self.ops))
                     if j not in self.deferred and j not in self.claimed)
            if not any(reach[index] & nodes for nodes in later):
                self.deferred.add(index)
        in_place = [i for i, op in enumerate(self.ops) if i not in self.claimed and
                    op.phase in (ops.DROP, ops.CLEANUP)]
        changed = True
        while changed:  # a dependent of a drop kept in place must go before it
            changed = False
            for index in sorted(self.deferred):
                own = set(self.ops[index].nodes)
                for kept in in_place:
                    if kept in self.deferred:
                        continue
                    if kept > index and ((reach[index] - own) & set(self.ops[kept].nodes)
                                         or self._references(self.ops[index], self.ops[kept])):
                        self.deferred.discard(index)
                        changed = True
                        break

    def _references(self, drop: ops.Op, kept: ops.Op) -> bool:
        """A foreign key (or a table holding one) and a table or partition it references:
        pg_depend ties the key to each partition through clones the graph folds away."""
        if not (isinstance(drop, ops.DropObject) and isinstance(kept, ops.DropObject)
                and isinstance(kept.obj, Table)):
            return False
        if isinstance(drop.obj, Constraint):
            keys = [drop.obj]
        elif isinstance(drop.obj, Table):
            keys = [c for c in self.context.source.constraints.values()
                    if c.table == drop.obj.key and c.type == "foreign key"]
        else:
            return False
        return any(c.references in (kept.obj.key, kept.obj.partition_of) for c in keys)

    def _after_dependencies(self, op: ops.Op, steps: list[Step]) -> list[Step]:
        """Steps moved to the phase where what `op` needs is final (e.g. a foreign key
        after the unique constraint it references, built in migrate); records the phase
        where the op's own nodes are final."""
        target = self.context.target.dependencies
        needs = set(getattr(op, "requires", ()))
        for node in op.nodes:
            needs |= set(target.get(node, ()))
        floor = max((self.ready.get(n, 0) for n in needs), default=0)
        out = [s if PHASES.index(s.phase) >= floor else _in_phase(s, PHASES[floor])
               for s in steps]
        if out:
            done = max(PHASES.index(s.phase) for s in out)
            for node in op.nodes:
                self.ready[node] = max(self.ready.get(node, 0), done)
        return out

    # -- compiling one op -------------------------------------------------------------------

    def _compile(self, index: int, op: ops.Op, b: Builder) -> None:
        context = self.context
        if index in self.shadowed:
            if isinstance(op, ops.AlterColumnType):
                shadow.type_change(b, context, op)
            else:
                assert isinstance(op, ops.RenameColumn)
                new = quote_ident(op.new_name)
                shadow.column_rename(b, context, op, context.target.tables[op.table].columns[new])
            return
        if index in self.deferred:
            self._deferred_drop(op, b)
            return
        if isinstance(op, ops.CreateObject) and isinstance(op.obj, Index) and \
                self._rows(op.obj.table):
            self._create_index(op.obj, b)
        elif isinstance(op, ops.DropObject) and isinstance(op.obj, Index) and \
                self._rows(op.obj.table) and not op.obj.partitioned:
            b.add(f"DROP INDEX CONCURRENTLY {op.obj.key}", EXPAND, f"drop index {op.obj.key}",
                  transaction=False, lock=CONCURRENT)
        elif isinstance(op, ops.CreateObject) and isinstance(op.obj, Constraint) and \
                self._rows(op.obj.table):
            self._add_constraint(op.obj, b, self.replaced_keys.get(index))
        elif isinstance(op, ops.ValidateConstraint) and self._rows(op.constraint.table):
            b.add(render(op)[0], MIGRATE, f"validate {op.constraint.name} (writes continue)",
                  lock=CONCURRENT,
                  seconds=duration(table_size(context, op.constraint.table), SCAN_RATE))
        elif isinstance(op, ops.SetColumnNotNull) and op.not_null and self._rows(op.table) \
                and (op.column.not_null is None or op.column.not_null.valid):
            name = op.column.not_null.name if op.column.not_null else None
            shadow.not_null(b, context, op.table, op.column.key, name)
        elif isinstance(op, ops.AddColumn) and self._rows(op.table.key) and \
                context.volatile_default(op.column.default) and op.table.kind == "table" and \
                op.column.identity is None and op.column.generated is None:
            shadow.volatile_add(b, context, op)
        elif isinstance(op, ops.RenameTable) and self._rows(self._renamed(op)):
            self._rename_table(op, b)
        else:
            self._plain(index, op, b)

    def _renamed(self, op: ops.RenameTable) -> str:
        return self.context.migration.renames.tables.get(op.old_key, op.old_key)

    def _plain(self, index: int, op: ops.Op, b: Builder) -> None:
        lock, seconds, maintenance = _lock(op), 0.0, None
        if index in self.fallback and isinstance(op, ops.RenameColumn):
            # the running app's statements naming the old column fail from here on
            maintenance = (f"renames {op.table}.{quote_ident(op.old_name)} in place, so the "
                           "running app's statements that name it fail until the new app "
                           "version is deployed, in this window: no expand/contract because "
                           f"{self.fallback[index]}")
        elif index in self.fallback:
            size = table_size(self.context, op.table)  # type: ignore[attr-defined]
            lock, seconds = REWRITE, duration(size, REWRITE_RATE)
            maintenance = (f"rewrites {op.table} under an exclusive lock: no expand/contract "  # type: ignore[attr-defined]
                           f"because {self.fallback[index]}")
        elif isinstance(op, ops.ReplaceType):
            tables = sorted({t for t, _ in op.columns if self._rows(t)})
            if tables:
                lock = REWRITE
                seconds = sum(duration(table_size(self.context, t), REWRITE_RATE)
                              for t in tables)
                maintenance = f"converts columns by rewriting {', '.join(tables)}"
        statements = render(op)
        if isinstance(op, ops.AlterColumnType) and (viewed := self._viewed(op.table)):
            # the old name's view depends on the column: recreated around the change
            statements = [";\n".join([f"DROP VIEW {viewed}", *statements,
                                       *self._compat_view(viewed, op.table)])]
        for statement in statements:
            b.add(statement, EXPAND, op.summary, lock=lock, seconds=seconds,
                  maintenance=maintenance)

    # -- indexes and constraints -------------------------------------------------------------

    def _create_index(self, index: Index, b: Builder) -> None:
        statements = render(ops.CreateObject("index", index))
        size = table_size(self.context, index.table)
        seconds = duration(size, BUILD_RATE)
        children = self.context.partition_indexes(index) if index.partitioned else None
        if children is not None:
            self._index_per_partition(index, children, b)
        elif index.partitioned:
            large = size.rows > LARGE_ROWS
            reason = (f"builds index {index.key} on partitioned {index.table} "
                      f"(~{size.rows} rows) while writes wait") if large else None
            b.add(statements[0], EXPAND, f"create index {index.key} (not concurrently: "
                  "partitioned)", lock=BUILD, seconds=seconds, maintenance=reason)
        else:
            definition = statements[0].replace("INDEX ", "INDEX CONCURRENTLY ", 1)
            b.add(definition, EXPAND, f"create index {index.key} (writes continue)",
                  transaction=False, lock=CONCURRENT, seconds=seconds)
        for statement in statements[1:]:
            b.add(statement, EXPAND, f"cluster {index.table} on {index.name}")

    def _index_per_partition(self, index: Index, children: Sequence[Index],
                             b: Builder) -> None:
        """A partitioned table's index cannot be built CONCURRENTLY, so it is made in
        pieces: the parent's alone (nothing to build; invalid for now), then each
        partition's built CONCURRENTLY and attached; the last attach makes the parent's
        valid. Partitions' indexes keep the target's names."""
        b.add(index.definition, EXPAND, f"create index {index.key} on {index.table} alone "
              "(nothing built; valid once each partition's index is attached)",
              lock=SHARE_BRIEF)
        for child in children:
            b.add(child.definition.replace("INDEX ", "INDEX CONCURRENTLY ", 1), EXPAND,
                  f"build index {child.key} on partition {child.table} (writes continue)",
                  transaction=False, lock=CONCURRENT,
                  seconds=duration(table_size(self.context, child.table), BUILD_RATE))
            b.add(text(sql.SQL("ALTER INDEX {} ATTACH PARTITION {}").format(
                fragment(index.key), fragment(child.key))), EXPAND,
                f"attach {child.key} to {index.key}", lock=BRIEF)

    def _add_constraint(self, constraint: Constraint, b: Builder,
                        replacing: tuple[Constraint, tuple[str, ...]] | None = None) -> None:
        table = constraint.table
        size = table_size(self.context, table)
        head = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
            fragment(table), ident(constraint.name))
        statement = render(ops.CreateObject("constraint", constraint))[0]
        if not constraint.valid:  # existing rows are not checked
            b.add(statement, MIGRATE, f"add {constraint.name}", lock=BRIEF)
            return
        if self.context.adds_online(constraint):
            if constraint.type in ("foreign key", "check"):
                lock = SHARE_ROW_BRIEF if constraint.type == "foreign key" else BRIEF
                b.add(head + fragment(constraint.definition + " NOT VALID"), MIGRATE,
                      f"add {constraint.name} for new rows only", lock=lock)
                b.add(render(ops.ValidateConstraint(constraint))[0], MIGRATE,
                      f"validate {constraint.name} (writes continue)", lock=CONCURRENT,
                      seconds=duration(size, SCAN_RATE))
            else:
                self._key_via_index(constraint, b, replacing)
            return
        if constraint.type == "foreign key":  # partitioned, before PostgreSQL 18
            lock, seconds, does = CHECK_BLOCKING, duration(size, SCAN_RATE), "checks"
        else:
            lock, seconds, does = BUILD_BLOCKING, duration(size, BUILD_RATE), "builds"
        reason = (f"{does} {constraint.name} on {table} (~{size.rows:,} rows) in one "
                  "statement") if size.rows > LARGE_ROWS else None
        b.add(statement, MIGRATE, f"add {constraint.name} ({does} it in one statement)",
              lock=lock, seconds=seconds, maintenance=reason)

    def _key_via_index(self, constraint: Constraint, b: Builder,
                       replacing: tuple[Constraint, tuple[str, ...]] | None = None) -> None:
        """A concurrent unique index, then attached as the constraint (which renames it);
        `replacing`, an old primary key, is dropped by the statement that attaches, and
        the statements that come with it follow in its transaction."""
        table = self.context.target.tables[constraint.table]
        size = table_size(self.context, table.key)
        columns = sql.SQL(", ").join(fragment(c) for c in constraint.columns)
        nulls = sql.SQL(" NULLS NOT DISTINCT") if constraint.nulls_not_distinct else sql.SQL("")
        # while the old key exists, its index may have the new one's name
        name = aside(constraint.name, "__pgprod_new") if replacing else constraint.name
        b.add(sql.SQL("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} USING btree ({}){}").format(
            ident(name), fragment(table.key), columns, nulls), MIGRATE,
            f"build the index of {constraint.name} (writes continue)", transaction=False,
            lock=CONCURRENT, seconds=duration(size, BUILD_RATE))
        kind = sql.SQL("PRIMARY KEY" if constraint.type == "primary key" else "UNIQUE")
        tail = ""
        if constraint.deferrable:
            tail = " DEFERRABLE INITIALLY DEFERRED" if constraint.initially_deferred \
                else " DEFERRABLE"
        old, after = replacing if replacing else (None, ())
        drop = sql.SQL("DROP CONSTRAINT {}, ").format(ident(old.name)) if old \
            else sql.SQL("")
        attach = text(sql.SQL("ALTER TABLE {} {}ADD CONSTRAINT {} {} USING INDEX {}{}").format(
            fragment(table.key), drop, ident(constraint.name), kind, ident(name),
            sql.SQL(tail)))
        b.add(";\n".join([attach, *after]), MIGRATE, f"attach the index as {constraint.name}"
              + (f" in place of {old.name}" if old else ""))

    # -- renames and drops -------------------------------------------------------------------------

    def _rename_table(self, op: ops.RenameTable, b: Builder) -> None:
        """Renamed, with a view under the old name the old app reads and writes through
        (a simple view is updatable), in one transaction so the old name never goes
        missing; the view goes in the contract phase."""
        new = self._renamed(op)
        b.add(";\n".join([render(op)[0], *self._compat_view(op.old_key, new)]), EXPAND,
              f"rename {op.old_key} to {new}; {op.old_key} stays usable as a view")
        b.add(f"DROP VIEW {op.old_key}", CONTRACT, f"drop the view {op.old_key}")

    def _compat_view(self, old_key: str, new: str) -> list[str]:
        """The view under a renamed table's old name, owned and granted like the table."""
        old: Table = self.context.source.tables[old_key]
        statements = [f"CREATE VIEW {old_key} AS SELECT * FROM {new}"]
        target = ops.Target("view", "VIEW", old_key)
        if old.owner != quote_ident(self.context.source.role):
            statements += render(ops.SetOwner(target, old.owner))
        if old.grants:
            statements += render(ops.ChangeGrants(target, tuple(old.grants), True))
        return statements

    def _viewed(self, table: str) -> str | None:
        """The old name of `table` (a target key) when a compatibility view keeps it."""
        for op in self.ops:
            if isinstance(op, ops.RenameTable) and self._renamed(op) == table and \
                    self._rows(table):
                return op.old_key
        return None

    def _deferred_drop(self, op: ops.Op, b: Builder) -> None:
        if isinstance(op, ops.DropColumn):
            column = op.column
            if column.not_null is not None and column.default is None and \
                    column.identity is None and column.generated is None:
                b.add(sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL").format(
                    fragment(op.table.key), fragment(column.key)), EXPAND,
                    f"the new app may leave {column.key} out")
        if isinstance(op, ops.DropObject) and isinstance(op.obj, Index) and \
                not op.obj.partitioned and self._rows(op.obj.table):
            b.add(f"DROP INDEX CONCURRENTLY {op.obj.key}", CONTRACT, op.summary,
                  transaction=False, lock=CONCURRENT)
            return
        for statement in render(op):
            b.add(statement, CONTRACT, op.summary, lock=_lock(op))


def _in_phase(step: Step, phase: str) -> Step:
    return dataclasses.replace(step, phase=phase)


def _reach(op: ops.Op, depends: Mapping[str, tuple[str, ...]]) -> set[str]:
    """A drop's nodes and the nodes they depend on (prod's graph)."""
    nodes = set(op.nodes)
    for node in op.nodes:
        nodes |= set(depends.get(node, ()))
    return nodes


def _lock(op: ops.Op) -> str:
    """The lock a plain statement of `op` takes, roughly."""
    if isinstance(op, ops.SetComment | ops.ChangeGrants | ops.ChangeDefaultPrivileges):
        return NO_LOCK
    if isinstance(op, ops.CreateObject):
        if isinstance(op.obj, Index):
            return BUILD
        if isinstance(op.obj, Constraint):
            return BRIEF
        return NEW_OBJECT if not op.replace else BRIEF
    if isinstance(op, ops.ValidateConstraint):
        return CONCURRENT
    if isinstance(op, ops.ReplaceType):
        return REWRITE
    return BRIEF

