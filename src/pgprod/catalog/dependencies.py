"""The dependency graph of a catalog: ``pg_depend`` rows named as graph nodes.

A node is ``<kind>:<key>`` with the model's keys; a table's column is
``column:<table>.<column>`` and its default or generation expression
``default:<table>.<column>``. Rows of one object fold into the object the model knows:
a view's rewrite rule into the view, an index backing a constraint into the constraint,
an array type into its element type, a relation's row type and the columns of views,
materialized views and composite types into the relation, a domain's constraint into the
domain.

``queries/dependencies.sql`` returns raw catalog addresses (class, OID, sub-ID); the
model queries return their objects' OIDs, which the builders record in ``Nodes`` as they
go. Whatever is left unnamed (objects of extensions, row types, foreign tables in
inheritance...) is named by one more query, ``queries/dependency_nodes.sql``, for those
OIDs only (the caller passes a function that runs it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .frozenmap import FrozenMap

# System catalogs' OIDs (fixed in PostgreSQL's headers; they are classid in pg_depend).
PG_CLASS = 1259
PG_TYPE = 1247
PG_PROC = 1255
PG_ATTRDEF = 2604
PG_CONSTRAINT = 2606
PG_NAMESPACE = 2615
PG_REWRITE = 2618
PG_TRIGGER = 2620
PG_EXTENSION = 3079
PG_POLICY = 3256
PG_FOREIGN_SERVER = 1417
PG_USER_MAPPING = 1418
PG_FOREIGN_DATA_WRAPPER = 2328

Address = tuple[int, int, int]
"""A ``pg_depend`` end: (classid, objid, objsubid)."""

Edge = tuple[int, int, int, int, int, int, bool]
"""A row of ``dependencies.sql``: dependent address, referenced address, automatic."""

Graph = FrozenMap[str, tuple[str, ...]]

UNKNOWN = ""
"""What ``Nodes.node`` returns for an object it has no record of (never a node: nodes
have a kind prefix)."""

NameQuery = Callable[[set[int]], Iterable[tuple[int, int, int, str]]]
"""Runs ``dependency_nodes.sql`` for these OIDs: (classid, objid, objsubid, node) rows."""

_COLUMN_HOLDERS = ("view:", "matview:", "type:", "foreign_table:")
"""Relations whose columns (and a foreign table's defaults) are not nodes of their own
but fold into the relation."""


class Nodes:
    """Graph nodes by catalog address, recorded while the model is built.

    ``objects`` maps (classid, objid) to the node of an object (objsubid 0). Columns
    and defaults are named from their relation's node: ``columns`` holds column keys by
    relation OID and attnum, ``defaults`` each default's (relation OID, attnum), so
    that their nodes are only spelled out when an edge uses them.
    """

    __slots__ = ("_parts", "columns", "defaults", "objects")

    def __init__(self) -> None:
        self.objects: dict[tuple[int, int], str] = {}
        self.columns: Mapping[int, Mapping[int, str]] = {}
        self.defaults: Mapping[int, tuple[int, int]] = {}
        self._parts: dict[Address, str | None] = {}

    def add(self, classid: int, pairs: Iterable[tuple[int | None, str]]) -> None:
        """Record ``(oid, node)`` pairs of one catalog; pairs without an OID are skipped."""
        self.objects.update(((classid, oid), node) for oid, node in pairs if oid is not None)

    def add_named(self, rows: Iterable[tuple[int, int, int, str]]) -> None:
        """Record ``(classid, objid, objsubid, node)`` rows of ``dependency_nodes.sql``."""
        for classid, objid, objsubid, node in rows:
            self._parts[classid, objid, objsubid] = node

    def find(self, classid: int, objid: int, objsubid: int) -> str | None:
        """The node at an address ``objects`` does not hold (a column, a default, or an
        object not recorded): None if it is none, ``UNKNOWN`` if its object (or its
        relation) is not recorded."""
        address = (classid, objid, objsubid)
        found = self._parts.get(address, UNKNOWN)
        if found != UNKNOWN:
            return found
        if classid == PG_CLASS and objsubid:
            relation = self.objects.get((PG_CLASS, objid))
            if relation is not None:
                found = self._parts[address] = self._column(relation, objid, objsubid)
        elif classid == PG_ATTRDEF and not objsubid and objid in self.defaults:
            relid, attnum = self.defaults[objid]
            relation = self.objects.get((PG_CLASS, relid))
            column = self.columns.get(relid, {}).get(attnum)
            if relation is not None and column is not None:
                found = self._parts[address] = (
                    relation if relation.startswith("foreign_table:")
                    else f"default:{relation.partition(':')[2]}.{column}")
        return found

    def _column(self, relation: str, relid: int, attnum: int) -> str | None:
        """A column's node, from its relation's node (columns of sequences and indexes,
        dropped and system columns are no nodes)."""
        column = self.columns.get(relid, {}).get(attnum)
        if column is None:
            return None
        kind, _, key = relation.partition(":")
        if kind == "table":
            return f"column:{key}.{column}"
        return relation if relation.startswith(_COLUMN_HOLDERS) else None


def graph(edges: Sequence[Edge], nodes: Nodes, name: NameQuery) -> Graph:
    """Each dependent node with the nodes it references (sorted), as ``pg_depend`` says.

    Edges from or to something that is no node are left out, and so are a node's edges
    to itself and a sequence's automatic dependency on a column (OWNED BY, which the
    diff sets by itself once both exist; as an edge it would make the column's default
    wait for itself). Ends ``nodes`` does not know are named by one call of ``name``
    (``dependency_nodes.sql`` over their OIDs); an end it does not name is no node.
    """
    depends: dict[str, set[str]] = {}
    pending = _add_edges(edges, nodes, depends)
    if pending:
        nodes.add_named(name({objid for edge in pending for objid in (edge[1], edge[4])}))
        _add_edges(pending, nodes, depends, final=True)
    return FrozenMap((k, tuple(sorted(v))) for k, v in depends.items())


def _add_edges(edges: Iterable[Edge], nodes: Nodes, depends: dict[str, set[str]],
               final: bool = False) -> list[Edge]:
    """Add the edges both of whose ends are named to ``depends``; return those with an
    end ``nodes`` does not know (none when ``final``: unknown is then no node)."""
    find = nodes.find
    get = nodes.objects.get
    get_part = nodes._parts.get  # found columns (the most referenced), without a call
    pending: list[Edge] = []
    for edge in edges:
        classid, objid, objsubid, refclassid, refobjid, refobjsubid, automatic = edge
        dependent = get_part((classid, objid, objsubid)) if objsubid else get((classid, objid))
        if dependent is None:
            dependent = find(classid, objid, objsubid)
            if dependent is None:
                continue
        referenced = (get_part((refclassid, refobjid, refobjsubid)) if refobjsubid
                      else get((refclassid, refobjid)))
        if referenced is None:
            referenced = find(refclassid, refobjid, refobjsubid)
            if referenced is None:
                continue
        if dependent == UNKNOWN or referenced == UNKNOWN:
            if not final:
                pending.append(edge)
            continue
        if referenced == dependent or (automatic and dependent.startswith("sequence:")):
            continue
        found = depends.get(dependent)
        if found is None:
            depends[dependent] = {referenced}
        else:
            found.add(referenced)
    return pending
