"""Dependents dropped and recreated: when the diff drops a dependent to change what it
depends on (a view over a column whose type changes, a column's default) and recreates
it, the drop, the recreation and the ops between them that needed it gone run as one
step, one transaction. Apart, the app's statements on the dependent would fail between
the steps. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from pgprod.diff import ops
from pgprod.plan.model import EXPAND, Step
from pgprod.plan.passes import Planning
from pgprod.plan.steps import BRIEF, BUILD, BUILD_BLOCKING, REWRITE, SHARE_ROW_BRIEF


def merge_rebuilds(per_op: Sequence[list[Step]], ids: Sequence[int],
                   planning: Planning) -> list[list[Step]]:
    """`per_op` (each op's steps, in op order; `ids` their changes' ids) with each group of
    a rebuilt dependent merged into one step where the last of them was, when each of
    their steps is a plain transactional expand statement (otherwise they stay apart)."""
    out = list(per_op)
    for group in _rebuild_groups(planning):
        parts = [s for i in group for s in out[i]]
        if len(parts) < 2 or not all(s.phase == EXPAND and s.transaction and s.batches is None
                                     for s in parts):
            continue
        merged = _merged(group, out, ids, planning.ops)
        last = max(i for i in group if out[i])
        for i in group:
            out[i] = []
        out[last] = [merged]
    return out


def _rebuild_groups(planning: Planning) -> list[list[int]]:
    """Ops that must run in one transaction, each group in op order: a dependent the
    diff drops and recreates, its recreation, and the ops between them whose nodes it
    depends on (prod's graph). Claimed ops and deferred drops take no part."""
    depends = planning.context.source.dependencies
    ops_ = planning.ops
    group = list(range(len(ops_)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    created: dict[str, int] = {}
    for j, op in enumerate(ops_):
        if op.phase == ops.CREATE and j not in planning.claimed:
            for node in op.nodes:
                created.setdefault(node, j)
    for i, op in enumerate(ops_):
        if op.phase != ops.DROP or i in planning.claimed or i in planning.deferred:
            continue
        for node in op.nodes:
            j = created.get(node, -1)
            if j < i:
                continue
            group[root(j)] = root(i)
            needs = set(depends.get(node, ()))
            for k in range(i + 1, j):
                # ADD VALUE stays a step of its own: a label is only usable (by the
                # recreated dependent, say) once the transaction adding it commits
                if needs & set(ops_[k].nodes) and not isinstance(ops_[k], ops.AddEnumValue):
                    group[root(k)] = root(i)
    out: dict[int, list[int]] = {}
    for i in range(len(ops_)):
        out.setdefault(root(i), []).append(i)
    return [members for members in out.values() if len(members) > 1]


def _merged(members: list[int], per_op: Sequence[list[Step]], ids: Sequence[int],
            ops_: Sequence[ops.Op]) -> Step:
    """The steps of `members` as one transactional expand step, credited to the op that
    caused the rebuild (one that needs the app stopped first), under the strongest of
    their locks."""
    parts = [s for i in members for s in per_op[i]]
    drops = [i for i in members if ops_[i].phase == ops.DROP]
    rebuilding = set(drops) | {
        j for j in members if ops_[j].phase == ops.CREATE and any(
            set(ops_[j].nodes) & set(ops_[i].nodes) for i in drops)}
    causes = [i for i in members if i not in rebuilding and per_op[i]] or members
    cause = next((i for i in causes if any(s.maintenance for s in per_op[i])), causes[0])
    locks = [s.lock for s in parts]
    lock = next((strong for strong in (REWRITE, BUILD_BLOCKING, BUILD, SHARE_ROW_BRIEF)
                 if strong in locks), BRIEF)
    reasons = list(dict.fromkeys(s.maintenance for s in parts if s.maintenance))
    return Step(";\n".join(s.sql for s in parts), EXPAND, ids[cause],
                f"{ops_[cause].summary}, with what depends on it dropped and "
                "recreated in the same transaction", transaction=True, lock=lock,
                seconds=round(sum(s.seconds for s in parts), 1),
                maintenance="; ".join(reasons) or None,
                retry=all(s.retry for s in parts))
