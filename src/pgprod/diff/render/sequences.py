"""Rendering sequences: CREATE, DROP, ALTER (moving the current value inside narrower
bounds first) and OWNED BY. The option list and the bounds step are shared with identity
columns (``tables``), whose sequences take the same options.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.relations import Sequence, SequenceOptions
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _text, create, drop, render


@create.register
def _(obj: Sequence, replace: bool = False) -> Statements:
    unlogged = "UNLOGGED " if obj.unlogged else ""
    return [f"CREATE {unlogged}SEQUENCE {obj.key} {_sequence_options(obj.options)}"]


def _sequence_options(o: SequenceOptions, start: bool = True) -> str:
    parts = [f"AS {o.data_type}", f"INCREMENT BY {o.increment}", f"MINVALUE {o.minimum}",
             f"MAXVALUE {o.maximum}"]
    if start:
        parts.append(f"START WITH {o.start}")
    parts += [f"CACHE {o.cache}", "CYCLE" if o.cycle else "NO CYCLE"]
    return " ".join(parts)


@drop.register
def _(obj: Sequence) -> Statements:
    return [f"DROP SEQUENCE {obj.key}"]


@render.register
def _(op: ops.AlterSequence) -> Statements:
    # Narrower bounds are checked against the current value: move it inside first, only
    # ever forward past values already issued (an exhausted sequence stays exhausted).
    out = _into_bounds(op.new.key, op.old.options, op.new.options)
    # One statement: new bounds are checked against the start value. A sequence that
    # changes direction cannot keep its position: it starts again.
    flips = (op.old.options.increment > 0) != (op.new.options.increment > 0)
    restart = " RESTART" if flips else ""
    out.append(f"ALTER SEQUENCE {op.new.key} {_sequence_options(op.new.options)}{restart}")
    if op.old.unlogged != op.new.unlogged:
        out.append(f"ALTER SEQUENCE {op.new.key} SET {'UNLOGGED' if op.new.unlogged else 'LOGGED'}")
    return out


def _into_bounds(sequence: str, old: SequenceOptions, new: SequenceOptions) -> Statements:
    """Narrower bounds are checked against the sequence's current value: move it inside
    first, only ever past values already issued (an exhausted sequence stays exhausted).

    A value outside the old bounds cannot be set either (a range that moves past its
    old end): the bounds are first widened to span both, in a type that holds both."""
    if (old.increment > 0) != (new.increment > 0):
        return []  # changes direction: restarted instead
    ascending = new.increment > 0
    # (value, is_called, when): below the new range an ascending sequence has not reached
    # it yet (it starts at the minimum) and a descending one is past it (exhausted);
    # above it, the other way round.
    moves: list[tuple[int, bool, str]] = []
    if new.minimum > old.minimum:
        moves.append((new.minimum, not ascending, f"last_value < {new.minimum}"))
    if new.maximum < old.maximum:
        moves.append((new.maximum, ascending, f"last_value > {new.maximum}"))
    out: Statements = []
    if any(not old.minimum <= value <= old.maximum for value, _, _ in moves):
        wide = max(old.data_type, new.data_type, key=lambda t: _WIDTH.get(t, len(_WIDTH)))
        out.append(f"ALTER SEQUENCE {sequence} AS {wide} MINVALUE {min(old.minimum, new.minimum)}"
                   f" MAXVALUE {max(old.maximum, new.maximum)}")
    for value, called, when in moves:
        out.append(f"SELECT setval({_regclass(sequence)}, {value}, {str(called).lower()}) "
                   f"FROM {sequence} WHERE {when}")
    return out


_WIDTH = {"smallint": 0, "integer": 1, "bigint": 2}
"""Sequence types, narrowest first."""


def _regclass(key: str) -> str:
    return _text(sql.SQL("{}::regclass").format(sql.Literal(key)))


@render.register
def _(op: ops.SetSequenceOwner) -> Statements:
    owner = "NONE" if op.owned_by is None else f"{op.owned_by[0]}.{op.owned_by[1]}"
    return [f"ALTER SEQUENCE {op.sequence.key} OWNED BY {owner}"]
