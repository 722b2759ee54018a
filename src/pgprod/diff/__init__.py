"""The schema diff: two catalogs in, an ordered list of operations out.

    migration = diff(source, target, renames)
    migration.operations   # frozen operations, in the order to run them
    migration.sql()        # the script that turns `source` into `target`

Applying `migration.sql()` to the source database makes its catalog equal the target's
(the scenario tests prove this for every object kind, both ways).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pgprod.catalog.model import Catalog, Unmodelled
from pgprod.diff import ops
from pgprod.diff.cascade import with_cascade
from pgprod.diff.compare import Comparison
from pgprod.diff.graph import Graph
from pgprod.diff.order import order
from pgprod.diff.renames import RenameCandidate, Renames, apply, candidates, parse_answers
from pgprod.diff.render import render

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


@dataclass(frozen=True)
class Migration:
    operations: tuple[ops.Op, ...]
    renames: Renames = field(default_factory=Renames)
    candidates: tuple[RenameCandidate, ...] = ()
    unmodelled: tuple[Unmodelled, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.operations)

    def statements(self) -> list[str]:
        """Every SQL statement to run, in order, session settings first (no semicolons)."""
        body = [statement for op in self.operations for statement in render(op)]
        return [*PREAMBLE, *body] if body else []

    def sql(self) -> str:
        """The migration as a script: empty when the schemas are equal and everything in
        them is modelled; objects that were not compared are named in comments."""
        statements = self.statements()
        lines = [f"-- not compared (pgprod does not model it): {u.kind} {u.name}"
                 for u in self.unmodelled]
        if not statements:
            return "".join(line + "\n" for line in lines)
        lines += [f"-- likely rename, not confirmed (planned as drop + add): "
                  f"{c.description}; confirm with --rename {c.shell_answer}"
                  for c in self.candidates]
        return "\n".join([*lines, *(s + ";" for s in statements)]) + "\n"


def diff(source: Catalog, target: Catalog, renames: Renames | None = None) -> Migration:
    """The operations that turn `source`'s schema into `target`'s (pure: reads no database)."""
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
    return Migration(tuple(ordered), renames, unanswered, unmodelled)
