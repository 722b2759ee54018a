"""Ordering operations by real dependencies.

Renames come first. Drops follow, a dependent before what it depends on (the source's
``pg_depend``); then creations and changes, a dependency before its dependents (the
target's ``pg_depend``). Where the graph says nothing, object kinds keep a sensible
order (schemas and types before tables, tables before constraints, ...), and the
result is deterministic.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence

from pgprod.diff import ops
from pgprod.diff.graph import Graph
from pgprod.diff.ops import Op
from pgprod.diff.targets import RANK

# Drops run by falling rank: NO INHERIT before any other, so that what the table
# inherited is its own by the time it is dropped.
_LAST_DROP = float(len(RANK) + 2)

# Where a kind of operation stands when dependencies do not decide.
_CREATE_RANK: dict[type[Op], float] = {
    ops.AlterExtension: RANK["extension"],
    ops.AddEnumValue: RANK["type"], ops.RenameEnumValue: RANK["type"],
    ops.ReplaceType: RANK["table"] + 0.15,
    ops.AlterDomain: RANK["type"], ops.AddDomainCheck: RANK["type"] + 0.5,
    ops.AlterCompositeType: RANK["type"],
    ops.AlterSequence: RANK["sequence"], ops.ReplaceFunctionBody: RANK["function"],
    ops.AddColumn: RANK["table"] + 0.1, ops.AlterColumnType: RANK["table"] + 0.2,
    ops.SetColumnDefault: RANK["table"] + 0.3, ops.AlterIdentity: RANK["table"] + 0.3,
    ops.SetColumnNotNull: RANK["table"] + 0.4,
    ops.RenameNotNull: RANK["table"] + 0.01,  # before ATTACH PARTITION makes it inherited
    ops.AlterColumnDetails: RANK["table"] + 0.4,
    ops.AlterTable: RANK["index"] + 0.5, ops.AttachPartition: RANK["table"] + 0.05,
    ops.DetachPartition: -1.0,
    ops.NoInherit: _LAST_DROP,
    ops.SetSequenceOwner: RANK["table"] + 0.6,
    ops.ValidateConstraint: RANK["constraint"] + 0.5, ops.ReplaceView: RANK["view"],
    ops.SetEnabled: RANK["trigger"] + 0.5, ops.AlterPolicy: RANK["policy"],
    ops.AlterPublication: RANK["publication"],
    ops.AlterSubscription: RANK["subscription"],
    ops.AlterForeignDataWrapper: RANK["foreign_data_wrapper"],
    ops.AlterServer: RANK["server"], ops.AlterUserMapping: RANK["user_mapping"],
    ops.AlterForeignTable: RANK["foreign_table"],
}
_LAST = float(len(RANK) + 1)


def _rank(op: Op) -> float:
    if isinstance(op, ops.CreateObject | ops.DropObject):
        rank = float(RANK.get(op.kind, _LAST))
        if op.kind == "constraint":  # keys before the foreign keys that reference them
            ctype = getattr(op.obj, "type", "")
            rank += 0.2 if ctype == "foreign key" else 0.1 if ctype == "check" else 0.0
        return rank
    if isinstance(op, ops.SetComment | ops.SetOwner | ops.ChangeGrants |
                  ops.ChangeDefaultPrivileges):
        return _LAST
    if isinstance(op, ops.AlterIdentity):
        return _identity_rank(op)
    return _CREATE_RANK.get(type(op), _LAST - 0.5)


def _identity_rank(op: ops.AlterIdentity) -> float:
    old, new = op.old.identity, op.new.identity
    if old is None:
        # ADD GENERATED needs the column NOT NULL already: after SET NOT NULL
        return RANK["table"] + 0.45
    if new is not None and old.sequence == new.sequence and \
            old.options.data_type != new.options.data_type:
        # the sequence takes its new type and bounds before the column's type changes
        return RANK["table"] + 0.18
    return _CREATE_RANK[ops.AlterIdentity]


def order(operations: Sequence[Op], source: Graph, target: Graph) -> list[Op]:
    renames = [op for op in operations if op.phase == ops.RENAME]
    drops = [op for op in operations if op.phase == ops.DROP]
    creates = [op for op in operations if op.phase == ops.CREATE]
    cleanups = [op for op in operations if op.phase == ops.CLEANUP]
    return [
        *renames,
        *_sort(drops, source, dependents_first=True),
        *_sort(creates, target, dependents_first=False, extra=_after_functions(creates, target)),
        *_sort(cleanups, source, dependents_first=True),
    ]


# Creations that run queries as they are made (a materialized view is filled, a CHECK
# or an index is checked or built over the rows, a generated column computed): a plain
# SQL function they call is inlined then, and the functions its body calls, which
# pg_depend does not know about, must exist.
_RUN_QUERIES = ("matview", "constraint", "index")


def _after_functions(items: list[Op], graph: Graph) -> dict[int, set[int]]:
    """Operations that run queries, each with the function creations to run before it:
    every one that does not itself depend on it (directly or through other objects)."""
    functions = [i for i, op in enumerate(items)
                 if isinstance(op, ops.CreateObject) and op.kind == "function"]
    runners = [i for i, op in enumerate(items)
               if (isinstance(op, ops.CreateObject) and op.kind in _RUN_QUERIES)
               or isinstance(op, ops.AddColumn)]
    if not functions or not runners:
        return {}
    upstream = {i: _closure(items[i].nodes, graph.depends_on) for i in functions}
    return {r: {f for f in functions if not upstream[f] & set(items[r].nodes)}
            for r in runners}


def _closure(nodes: Sequence[str], depends_on: Mapping[str, Sequence[str]]) -> set[str]:
    """Every node `nodes` depend on, directly or not."""
    found: set[str] = set()
    stack = [n for node in nodes for n in depends_on.get(node, ())]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(depends_on.get(node, ()))
    return found


def _sort(items: list[Op], graph: Graph, dependents_first: bool,
          extra: Mapping[int, set[int]] | None = None) -> list[Op]:
    """`items` in dependency order; `extra`: more operations that must run before one."""
    depends_on = graph.depends_on
    owners: dict[str, list[int]] = defaultdict(list)
    for i, op in enumerate(items):
        for node in op.nodes:
            owners[node].append(i)
    # before[i]: operations that must run before operation i
    before: dict[int, set[int]] = defaultdict(set)
    for i, earlier in (extra or {}).items():
        before[i].update(earlier)
    for i, op in enumerate(items):
        required = {n for n in getattr(op, "requires", ()) if n in owners}
        for target in _reachable(op, depends_on, owners) | required:
            for j in owners[target]:
                if j == i:
                    continue
                if dependents_first:
                    before[j].add(i)
                else:
                    before[i].add(j)
    rank = [(_rank(op) if not dependents_first else -_rank(op), i)
            for i, op in enumerate(items)]
    waiting = {i: len(before[i]) for i in range(len(items))}
    unlocks: dict[int, list[int]] = defaultdict(list)
    for i, deps in before.items():
        for j in deps:
            unlocks[j].append(i)
    ready = [rank[i] for i in range(len(items)) if waiting[i] == 0]
    heapq.heapify(ready)
    done: list[int] = []
    placed: set[int] = set()
    while len(done) < len(items):
        if not ready:  # a cycle: let the best-ranked waiting operation go first
            i = min(rank[i] for i in range(len(items)) if i not in placed)[1]
        else:
            i = heapq.heappop(ready)[1]
            if i in placed:
                continue
        placed.add(i)
        done.append(i)
        for k in unlocks[i]:
            waiting[k] -= 1
            if waiting[k] == 0 and k not in placed:
                heapq.heappush(ready, rank[k])
    return [items[i] for i in done]


def _reachable(op: Op, depends_on: Mapping[str, Sequence[str]],
               owners: dict[str, list[int]]) -> set[str]:
    """Nodes `op`'s nodes depend on, following the graph through nodes no operation
    touches (an unchanged object between two changed ones still links them)."""
    found: set[str] = set()
    stack = [n for node in op.nodes for n in depends_on.get(node, ())]
    seen: set[str] = set(op.nodes)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in owners:
            found.add(node)
            continue
        stack.extend(depends_on.get(node, ()))
    return found
