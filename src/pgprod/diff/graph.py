"""The dependency graph of one catalog: nodes are ``kind:key`` strings, edges come from
``pg_depend`` (see ``catalog/queries/dependencies.sql``). Built once per diff and shared
by the cascade and the ordering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from pgprod.catalog.model import Catalog

_ON_TABLE = ("table", "column", "default", "constraint", "trigger", "policy", "rule")


class Graph:
    """`depends_on` maps a node to the nodes it depends on; `dependents` is its inverse,
    computed on first use (only a cascade needs it)."""

    def __init__(self, depends_on: Mapping[str, tuple[str, ...]]) -> None:
        self.depends_on = depends_on
        self._dependents: dict[str, list[str]] | None = None

    @classmethod
    def of(cls, catalog: Catalog) -> Graph:
        return cls(catalog.dependencies)

    @property
    def dependents(self) -> Mapping[str, list[str]]:
        if self._dependents is None:
            inverse: dict[str, list[str]] = defaultdict(list)
            for dependent, referenced in self.depends_on.items():
                for node in referenced:
                    inverse[node].append(dependent)
            self._dependents = inverse
        return self._dependents

    def renamed(self, tables: Mapping[str, str],
                columns: Mapping[tuple[str, str], str]) -> Graph:
        """The graph with renamed tables' and columns' nodes renamed."""
        if not tables and not columns:
            return self
        column_map = {f"{kind}:{tables.get(t, t)}.{old}": f"{kind}:{tables.get(t, t)}.{new}"
                      for (t, old), new in columns.items() for kind in ("column", "default")}

        def rename(node: str) -> str:
            kind, _, key = node.partition(":")
            if kind in _ON_TABLE:
                for old, new in tables.items():
                    if key == old or key.startswith(old + "."):
                        node = f"{kind}:{new}{key[len(old):]}"
                        break
            return column_map.get(node, node)

        renamed: dict[str, tuple[str, ...]] = {}
        for dependent, referenced in self.depends_on.items():
            key = rename(dependent)
            renamed[key] = renamed.get(key, ()) + tuple(rename(n) for n in referenced)
        return Graph(renamed)
