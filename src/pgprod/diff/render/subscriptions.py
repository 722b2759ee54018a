"""Rendering logical replication subscriptions: CREATE, DROP and ``AlterSubscription``.

pgprod never connects to a publisher. A subscription is created ``connect = false``
(no slot made, no tables copied) with the target's slot name and options, then enabled
when the target's is (a slot named as its subscription is left to ``connect = false``,
which gives that name unchecked: an explicit one must be lower case); publications are
set ``refresh = false``. One that has a slot is disabled and given ``slot_name = NONE``
before DROP, which would otherwise connect to drop the slot (the slot, if any, stays on
the publisher). The connection string is a secret: ``redacted`` (in ``foreign``) masks
it for display.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.model import Subscription
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _text, create, drop, render
from pgprod.names import ident

# Options set with WITH (...) / SET (...), with the value a new subscription gets when
# they are left out (None: always stated; streaming's default is "parallel" from 18 on).
_DEFAULTS: dict[str, object] = {
    "binary": False, "streaming": None, "synchronous_commit": "off", "two_phase": False,
    "disable_on_error": False, "password_required": True, "run_as_owner": False,
    "origin": "any", "failover": False,
}
# Options ALTER SUBSCRIPTION ... SET takes (two_phase and failover: recreated).
_ALTERABLE = ("binary", "streaming", "synchronous_commit", "disable_on_error",
              "password_required", "run_as_owner", "origin")


def _value(name: str, value: object) -> sql.Composable:
    if isinstance(value, bool):
        return sql.SQL("true" if value else "false")
    if name in ("streaming", "origin"):
        return sql.SQL(str(value))  # a keyword: off, on, parallel; any, none
    return sql.Literal(value)


def _slot(slot_name: str | None) -> sql.Composable:
    return sql.SQL("NONE") if slot_name is None else sql.Literal(slot_name)


def _setting(name: str, value: sql.Composable) -> sql.Composable:
    return sql.SQL("{} = {}").format(sql.SQL(name), value)


def _alter(obj: Subscription, action: sql.Composable) -> str:
    return _text(sql.SQL("ALTER SUBSCRIPTION {} {}").format(ident(obj.name), action))


def _publications(obj: Subscription) -> sql.Composable:
    return sql.SQL(", ").join(ident(p) for p in obj.publications)


@create.register
def _(obj: Subscription, replace: bool = False) -> Statements:
    settings = [_setting("connect", sql.SQL("false"))]
    if obj.slot_name != obj.name:  # connect = false names the slot after the subscription
        settings.append(_setting("slot_name", _slot(obj.slot_name)))
    settings += [_setting(name, _value(name, getattr(obj, name)))
                 for name, default in _DEFAULTS.items() if getattr(obj, name) != default]
    out = [_text(sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {} WITH ({})").format(
        ident(obj.name), sql.Literal(obj.connection), _publications(obj),
        sql.SQL(", ").join(settings)))]
    if obj.enabled:
        out.append(_alter(obj, sql.SQL("ENABLE")))
    return out


@drop.register
def _(obj: Subscription) -> Statements:
    out = []
    if obj.slot_name is not None:
        if obj.enabled:
            out.append(_alter(obj, sql.SQL("DISABLE")))
        out.append(_alter(obj, sql.SQL("SET (slot_name = NONE)")))
    return [*out, _text(sql.SQL("DROP SUBSCRIPTION {}").format(ident(obj.name)))]


@render.register
def _(op: ops.AlterSubscription) -> Statements:
    old, new = op.old, op.new
    slot_moves = old.slot_name != new.slot_name
    out = []
    if old.enabled and (slot_moves or not new.enabled):  # a slot is changed disabled
        out.append(_alter(new, sql.SQL("DISABLE")))
    if old.connection != new.connection:
        out.append(_alter(new, sql.SQL("CONNECTION {}").format(sql.Literal(new.connection))))
    if old.publications != new.publications:
        out.append(_alter(new, sql.SQL("SET PUBLICATION {} WITH (refresh = false)").format(
            _publications(new))))
    settings = [_setting(name, _value(name, getattr(new, name)))
                for name in _ALTERABLE if getattr(old, name) != getattr(new, name)]
    if slot_moves:
        settings.append(_setting("slot_name", _slot(new.slot_name)))
    if settings:
        out.append(_alter(new, sql.SQL("SET ({})").format(sql.SQL(", ").join(settings))))
    if new.enabled and (slot_moves or not old.enabled):
        out.append(_alter(new, sql.SQL("ENABLE")))
    return out
