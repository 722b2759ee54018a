"""Rendering routines and what fires them: functions, procedures and aggregates (created
or replaced from their definition), triggers, rules and event triggers, and enabling or
disabling the last three (``SetEnabled``).
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.model import EventTrigger
from pgprod.catalog.relations import Rule, Trigger
from pgprod.catalog.routines import Function
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.diff.targets import aggregate_signature
from pgprod.names import ident


@create.register
def _(obj: Function, replace: bool = False) -> Statements:
    return [obj.definition.strip().rstrip(";")]


@render.register
def _(op: ops.ReplaceFunctionBody) -> Statements:
    return [op.function.definition.strip().rstrip(";")]


_ROUTINE_KEYWORD = {"function": "FUNCTION", "procedure": "PROCEDURE", "aggregate": "AGGREGATE",
                    "window": "FUNCTION"}


@drop.register
def _(obj: Function) -> Statements:
    name = aggregate_signature(obj) if obj.kind == "aggregate" else obj.key
    return [f"DROP {_ROUTINE_KEYWORD[obj.kind]} {name}"]


@create.register
def _(obj: Trigger, replace: bool = False) -> Statements:
    out = [obj.definition]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("trigger", obj, obj.enabled))
    return out


@drop.register
def _(obj: Trigger) -> Statements:
    return [_text(sql.SQL("DROP TRIGGER {} ON {}").format(
        ident(obj.name), _s(obj.table)))]


@create.register
def _(obj: Rule, replace: bool = False) -> Statements:
    out = [obj.definition.strip().rstrip(";")]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("rule", obj, obj.enabled))
    return out


@drop.register
def _(obj: Rule) -> Statements:
    return [_text(sql.SQL("DROP RULE {} ON {}").format(ident(obj.name), _s(obj.table)))]


_ENABLE = {"origin": "ENABLE", "disabled": "DISABLE", "replica": "ENABLE REPLICA",
           "always": "ENABLE ALWAYS"}


@render.register
def _(op: ops.SetEnabled) -> Statements:
    verb = _ENABLE[op.enabled]
    if isinstance(op.obj, EventTrigger):
        return [_text(sql.SQL("ALTER EVENT TRIGGER {} {}").format(
            ident(op.obj.name), sql.SQL(verb)))]
    noun = "TRIGGER" if isinstance(op.obj, Trigger) else "RULE"
    return [_text(sql.SQL("ALTER TABLE {} {} {} {}").format(
        _s(op.obj.table), sql.SQL(verb), sql.SQL(noun),
        ident(op.obj.name)))]


@create.register
def _(obj: EventTrigger, replace: bool = False) -> Statements:
    text = _text(sql.SQL("CREATE EVENT TRIGGER {} ON {}").format(
        ident(obj.name), ident(obj.event)))
    if obj.tags:
        tags = sql.SQL(", ").join(sql.Literal(t) for t in obj.tags)
        text += _text(sql.SQL(" WHEN TAG IN ({})").format(tags))
    out = [f"{text} EXECUTE FUNCTION {obj.function}"]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("event_trigger", obj, obj.enabled))
    return out


@drop.register
def _(obj: EventTrigger) -> Statements:
    return [_text(sql.SQL("DROP EVENT TRIGGER {}").format(ident(obj.name)))]
