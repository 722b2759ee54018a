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
    first, only ever past values already issued (an exhausted sequence stays exhausted)."""
    out: Statements = []
    if (old.increment > 0) != (new.increment > 0):
        return out  # changes direction: restarted instead
    if new.minimum > old.minimum:
        out.append(f"SELECT setval({_regclass(sequence)}, {new.minimum}, false) "
                   f"FROM {sequence} WHERE last_value < {new.minimum}")
    if new.maximum < old.maximum:
        out.append(f"SELECT setval({_regclass(sequence)}, {new.maximum}, true) "
                   f"FROM {sequence} WHERE last_value > {new.maximum}")
    return out


def _regclass(key: str) -> str:
    return _text(sql.SQL("{}::regclass").format(sql.Literal(key)))


@render.register
def _(op: ops.SetSequenceOwner) -> Statements:
    owner = "NONE" if op.owned_by is None else f"{op.owned_by[0]}.{op.owned_by[1]}"
    return [f"ALTER SEQUENCE {op.sequence.key} OWNED BY {owner}"]
