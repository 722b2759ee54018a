"""The schema diff: two catalogs in, an ordered list of operations out.

    migration = diff(source, target, renames)
    migration.operations   # frozen operations, in the order to run them
    migration.sql()        # the script that turns `source` into `target`

Applying `migration.sql()` to the source database makes its catalog equal the target's
(the scenario tests prove this for every object kind, both ways).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pgprod.catalog.model import Catalog, Unmodelled
from pgprod.diff import ops
from pgprod.diff.cascade import with_cascade
from pgprod.diff.compare import Comparison
from pgprod.diff.graph import Graph
from pgprod.diff.order import order
from pgprod.diff.renames import RenameCandidate, Renames, apply, candidates, parse_answers
from pgprod.diff.render import render
from pgprod.diff.render.foreign import REDACTED, redacted
from pgprod.diff.versions import for_server

__all__ = [
    "Migration",
    "RenameCandidate",
    "Renames",
    "diff",
    "parse_answers",
    "render",
]

PREAMBLE = (
    # Function bodies may name objects created later in the script.
    "SET check_function_bodies = off",
)

COMMIT = "COMMIT"
"""Ends the transaction a script may be run in (``psql -1``, a driver sending it as one
string) after ``ALTER TYPE ... ADD VALUE``: a new enum label cannot be used in the
transaction that added it (55P04). Run statement by statement, it only warns."""


@dataclass(frozen=True)
class Migration:
    operations: tuple[ops.Op, ...]
    renames: Renames = field(default_factory=Renames)
    candidates: tuple[RenameCandidate, ...] = ()
    unmodelled: tuple[Unmodelled, ...] = ()
    commits: frozenset[int] = frozenset()
    """Positions in `operations` after which the script commits (see ``COMMIT``)."""

    def __bool__(self) -> bool:
        return bool(self.operations)

    def statements(self) -> list[str]:
        """Every SQL statement to run, in order, session settings first (no semicolons);
        ``COMMIT`` where enum labels added must be committed before later statements
        use them."""
        return self._statements(self.operations)

    def _statements(self, operations: Sequence[ops.Op]) -> list[str]:
        body = [statement for i, op in enumerate(operations)
                for statement in [*render(op), *((COMMIT,) if i in self.commits else ())]]
        return [*PREAMBLE, *body] if body else []

    def sql(self) -> str:
        """The migration as a script to read: empty when the schemas are equal and
        everything in them is modelled; objects that were not compared are named in
        comments. User mappings' option values and subscriptions' connection strings
        (secrets) are masked here, and only here: ``statements`` has them."""
        shown = [redacted(op) for op in self.operations]
        statements = self._statements(shown)
        lines = [f"-- not compared (pgprod does not model it): {u.kind} {u.name}"
                 for u in self.unmodelled]
        if not statements:
            return "".join(line + "\n" for line in lines)
        if shown != list(self.operations):
            lines.append(f"-- user mapping options and subscription connections are "
                         f"secrets, shown as '{REDACTED}': publish sets their values")
        lines += [f"-- likely rename, not confirmed (planned as drop + add): "
                  f"{c.description}; confirm with --rename {c.shell_answer}"
                  for c in self.candidates]
        return "\n".join([*lines, *(s + ";" for s in statements)]) + "\n"


def diff(source: Catalog, target: Catalog, renames: Renames | None = None) -> Migration:
    """The operations that turn `source`'s schema into `target`'s (pure: reads no database),
    on `source`'s PostgreSQL version (`versions.for_server`)."""
    target = for_server(target, source)
    renames = renames or Renames()
    unchanged = {k for k, t in source.tables.items() if target.tables.get(k) == t}
    unanswered = tuple(candidates(source, target, renames, unchanged))
    renamed, rename_ops = apply(source, renames)
    source_graph = Graph.of(source).renamed(renames.tables, renames.columns)
    target_graph = Graph.of(target)
    comparison = Comparison(renamed, target, frozenset(unchanged - set(renames.tables)))
    operations = with_cascade(comparison.run(), renamed, target, source_graph,
                              comparison.dropped_tables)
    unique = list(dict.fromkeys([*rename_ops, *operations]))  # equal operations run once
    ordered = order(unique, source_graph, target_graph)
    unmodelled = tuple(sorted(set(source.unmodelled) | set(target.unmodelled)))
    return Migration(tuple(ordered), renames, unanswered, unmodelled,
                     enum_commits(ordered, target_graph))


def enum_commits(operations: Sequence[ops.Op], target: Graph) -> frozenset[int]:
    """Where a script must commit: after the last ``ADD VALUE`` before each operation
    that depends (target's ``pg_depend``) on an enum that gained a label since the last
    commit — a default, a CHECK, an index predicate or a view may use the new label."""
    commits: set[int] = set()
    pending: set[str] = set()  # enums with labels added and not committed yet
    last_add = -1
    for i, op in enumerate(operations):
        if isinstance(op, ops.AddEnumValue):
            pending.add(f"type:{op.enum.key}")
            last_add = i
            continue
        if pending and any(pending.intersection(target.depends_on.get(node, ()))
                           for node in op.nodes):
            commits.add(last_add)
            pending.clear()
    return frozenset(commits)
