"""The step compiler: each change of the migration becomes the steps that apply it
without blocking the running app where PostgreSQL allows it.

    steps = compile_steps(zip(changes, context.migration.operations), context)

Steps come ordered by phase — every expand step (in migration order), then migrate,
then contract — and within a phase in migration order. Strategies apply to tables that
exist in prod and hold rows; everything else is the engine's plain `render(op)`. Pure:
reads no database (see `pgprod.plan.execute` for running the steps).

The work is in three parts: `pgprod.plan.passes` decides over the whole migration what
each op's strategy is (shadow columns, replaced keys, deferred drops),
`pgprod.plan.compile` turns one op into its steps, and `pgprod.plan.rebuild` joins a
dependent's drop and recreation into one step; here each op's steps are moved to the
phase where what it needs is final.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pgprod.diff import ops
from pgprod.plan import passes
from pgprod.plan.compile import compile_op
from pgprod.plan.context import Context
from pgprod.plan.model import PHASES, Change, Step
from pgprod.plan.rebuild import merge_rebuilds
from pgprod.plan.steps import Builder


def compile_steps(changes: Sequence[tuple[Change, ops.Op]], context: Context) -> tuple[Step, ...]:
    """All steps of the plan, ordered expand, migrate, contract (pure)."""
    changes = list(changes)
    planning = passes.plan([op for _, op in changes], context)
    ready: dict[str, int] = {}  # graph node -> phase index where it is final
    per_op: list[list[Step]] = []
    for index, (change, op) in enumerate(changes):
        b = Builder(change.id)
        if index not in planning.claimed:
            compile_op(op, index, planning, b)
            if index not in planning.deferred:
                b.steps = _after_dependencies(op, b.steps, context, ready)
        per_op.append(b.steps)
    per_op = merge_rebuilds(per_op, [change.id for change, _ in changes], planning)
    steps = [s for own in per_op for s in own]
    return tuple(sorted(steps, key=lambda s: PHASES.index(s.phase)))


def _after_dependencies(op: ops.Op, steps: list[Step], context: Context,
                        ready: dict[str, int]) -> list[Step]:
    """Steps moved to the phase where what `op` needs is final (e.g. a foreign key
    after the unique constraint it references, built in migrate); records in `ready`
    the phase where the op's own nodes are final."""
    target = context.target.dependencies
    needs = set(getattr(op, "requires", ()))
    for node in op.nodes:
        needs |= set(target.get(node, ()))
    floor = max((ready.get(n, 0) for n in needs), default=0)
    out = [s if PHASES.index(s.phase) >= floor else dataclasses.replace(s, phase=PHASES[floor])
           for s in steps]
    if out:
        done = max(PHASES.index(s.phase) for s in out)
        for node in op.nodes:
            ready[node] = max(ready.get(node, 0), done)
    return out
