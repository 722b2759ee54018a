"""The one JSON shape of every command result (`to_dict`), used by `--json` in the CLI
and, later, the console's API: documented in docs/json.md, checked by
tests/test_json_shapes.py."""

from __future__ import annotations

import datetime as dt
from functools import singledispatch
from typing import Any

from pgprod import audit, backups, browse, events, registry
from pgprod.actions import Action
from pgprod.commands.backing import RestoredCopy, RestoreResult
from pgprod.commands.browsing import RowChange, RowDetail, Schema
from pgprod.commands.envs import Install, RecoverResult, RotateResult
from pgprod.commands.previews import MaskSuggestions, PreviewInfo
from pgprod.commands.publishing import Diff, Published
from pgprod.diff.render import render
from pgprod.diff.render.foreign import redacted
from pgprod.edit import EditState
from pgprod.environment import Status, UpResult
from pgprod.preview.rehearse import Rehearsal


@singledispatch
def to_dict(value: object) -> dict[str, Any]:
    raise TypeError(f"no JSON shape for {type(value).__name__}")


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@to_dict.register
def _(state: EditState) -> dict[str, Any]:
    return {"on": state.on, "until": _time(state.until), "sessions": state.sessions}


@to_dict.register
def _(s: Status) -> dict[str, Any]:
    return {"env": s.env, "type": s.type, "kind": s.kind, "origin": s.origin,
            "running": s.running, "host": s.host, "port": s.port, "tls": s.tls,
            "version": s.version, "size_bytes": s.size_bytes, "connections": s.connections,
            "edit": to_dict(s.edit) if s.edit else None, "problem": s.problem,
            "data_dir": s.data_dir, "watchdog": s.watchdog,
            "tls_front": s.tls_front, "audit_off": s.audit_off}


@to_dict.register
def _(r: UpResult) -> dict[str, Any]:
    return {"env": r.env, "initialized": r.initialized, "started": r.started,
            "recovered": r.recovered, "tls": r.tls}


@to_dict.register
def _(r: RotateResult) -> dict[str, Any]:
    return {"env": r.env, "role": r.role, "applied": r.applied}


@to_dict.register
def _(i: Install) -> dict[str, Any]:
    return {"version": i.version, "bindir": i.bindir, "source": i.source, "tls": i.tls,
            "used_by": list(i.used_by)}


@to_dict.register
def _(r: RecoverResult) -> dict[str, Any]:
    return {"env": r.env, "roles": list(r.roles), "running": r.running}


@to_dict.register
def _(entry: registry.Entry) -> dict[str, Any]:
    return entry.to_dict()


@to_dict.register
def _(action: Action) -> dict[str, Any]:
    return action.to_dict()


@to_dict.register
def _(e: audit.Event) -> dict[str, Any]:
    return {"id": e.id, "at": _time(e.at), "kind": e.kind, "actor": e.actor,
            "login": e.login, "application": e.application, "client": e.client,
            "publish": e.publish, "command": e.command, "object": e.object,
            "statement": e.statement, "detail": e.detail}


@to_dict.register
def _(v: audit.Verified) -> dict[str, Any]:
    return {"ok": v.ok, "events": v.events, "first": v.first, "last": v.last,
            "broken": v.broken, "broken_id": v.broken_id, "guards": list(v.guards)}


@to_dict.register(events.Started)
@to_dict.register(events.Finished)
@to_dict.register(events.Failed)
@to_dict.register(events.Progress)
@to_dict.register(events.Message)
def _(event: events.Event) -> dict[str, Any]:
    return events.to_dict(event)


@to_dict.register
def _(p: Published) -> dict[str, Any]:
    r = p.record
    return {"id": r.id, "status": r.status, "state": p.state, "next": p.next, "who": r.who,
            "started": r.started, "finished": r.finished, "seconds": r.seconds,
            "downtime_seconds": r.downtime_seconds, "restore_point": r.restore_point,
            "restore_point_note": r.restore_point_note or None,
            "contract_restore_point": r.contract_restore_point, "verified": r.verified,
            "rollback_of": r.rollback_of, "error": r.error, "transitions": r.transitions,
            "changes": len(r.plan.get("changes", [])), "rehearsal": r.rehearsal}


@to_dict.register
def _(d: Diff) -> dict[str, Any]:
    migration = d.migration
    return {
        "operations": [{"op": type(op).__name__, "phase": op.phase, "summary": op.summary,
                        "sql": render(redacted(op))} for op in migration.operations],
        "renames": {"tables": dict(migration.renames.tables),
                    "columns": [{"table": t, "old": o, "new": n}
                                for (t, o), n in migration.renames.columns.items()]},
        "candidates": [{"kind": c.kind, "table": c.table, "old": c.old, "new": c.new,
                        "answer": c.answer} for c in migration.candidates],
        "unmodelled": [{"kind": u.kind, "name": u.name} for u in migration.unmodelled],
        "note": d.note,
    }


@to_dict.register
def _(b: backups.BaseBackup) -> dict[str, Any]:
    return {"id": b.id, "started": _time(b.started), "finished": _time(b.finished),
            "start_lsn": b.start_lsn, "end_lsn": b.end_lsn, "timeline": b.timeline,
            "size_bytes": b.size_bytes, "compression": b.compression}


@to_dict.register
def _(p: backups.RestorePoint) -> dict[str, Any]:
    return {"name": p.name, "time": _time(p.time), "lsn": p.lsn, "timeline": p.timeline,
            "rows": p.checksum.total_rows, "checksum": p.checksum.digest}


@to_dict.register
def _(found: backups.Listing) -> dict[str, Any]:
    window, archive = found.window, found.archive
    return {
        "window": {"earliest": _time(window.earliest), "latest": _time(window.latest),
                   "up_to_now": window.up_to_now} if window else None,
        "archive": {"files": archive.files, "bytes": archive.bytes,
                    "last_archived": archive.last_archived,
                    "last_archived_time": _time(archive.last_archived_time),
                    "failed_count": archive.failed_count, "last_failed": archive.last_failed},
        "base_backups": [to_dict(b) for b in found.base_backups],
        "restore_points": [to_dict(p) for p in found.restore_points],
        "restored": [_restored(r) for r in found.restored],
        "replaced": list(found.replaced),
    }


def _restored(r: backups.Restored) -> dict[str, Any]:
    return {"name": r.name, "port": r.port, "target": r.target, "resolved": r.resolved,
            "base_backup": r.base_backup, "created": _time(r.created), "state": r.state,
            "step": r.step or None, "updated": _time(r.updated), "verified": r.verified,
            "seconds": r.seconds, "rows": r.rows}


@to_dict.register
def _(copy: RestoredCopy) -> dict[str, Any]:
    condition = copy.condition
    return {**_restored(copy.restored), "running": condition.running,
            "restoring_pid": condition.restoring_pid, "incomplete": condition.incomplete}


@to_dict.register
def _(result: RestoreResult) -> dict[str, Any]:
    return {**_restored(result.restored), "into": result.into, "url": result.url}


@to_dict.register
def _(promoted: backups.Promoted) -> dict[str, Any]:
    return {"name": promoted.restored.name,
            "replaced_point": promoted.replaced_point.name if promoted.replaced_point
            else None,
            "replaced_data": str(promoted.replaced_data) if promoted.replaced_data else None,
            "base_backup": promoted.base_backup.id}


@to_dict.register
def _(info: PreviewInfo) -> dict[str, Any]:
    p = info.preview
    latest = info.rehearsal
    return {"name": p.name, "port": p.port, "origin": p.origin, "state": p.state,
            "step": p.step or None, "created": _time(p.created), "expires": _time(p.expires),
            "seconds": p.seconds, "masked": p.masked, "running": info.running,
            "url": info.url,
            "rehearsal": {"status": latest.report.status, "digest": latest.digest,
                          "created": latest.created} if latest else None}


@to_dict.register
def _(found: MaskSuggestions) -> dict[str, Any]:
    return {"suggestions": [
        {"column": s.rule.target, "type": s.type, "rule": s.rule.value, "reason": s.reason,
         "configured": s.rule.target in found.configured, "toml": s.rule.toml()}
        for s in found.suggestions]}


@to_dict.register
def _(rehearsal: Rehearsal) -> dict[str, Any]:
    return rehearsal.to_dict()


# -- the data browser (docs/json.md, "Data browser") -----------------------------------


def _foreign_key(fk: browse.ForeignKey) -> dict[str, Any]:
    return {"name": fk.name, "schema": fk.schema, "table": fk.table,
            "columns": list(fk.columns), "ref_schema": fk.ref_schema,
            "ref_table": fk.ref_table, "ref_columns": list(fk.ref_columns)}


@to_dict.register
def _(t: browse.Table) -> dict[str, Any]:
    return {"schema": t.schema, "name": t.name, "kind": t.kind,
            "estimated_rows": t.estimated_rows, "size_bytes": t.size_bytes,
            "columns": [{"name": c.name, "type": c.type, "nullable": c.nullable,
                         "default": c.default, "key": c.key} for c in t.columns],
            "primary_key": list(t.primary_key),
            "foreign_keys": [_foreign_key(fk) for fk in t.foreign_keys],
            "referenced_by": [_foreign_key(fk) for fk in t.referenced_by]}


def _row(t: browse.Table, values: tuple[object, ...]) -> dict[str, Any]:
    return {c.name: browse.json_safe(v) for c, v in zip(t.columns, values, strict=True)}


@to_dict.register
def _(page: browse.Page) -> dict[str, Any]:
    return {"table": to_dict(page.table), "rows": [_row(page.table, r) for r in page.rows],
            "next": page.next, "order": page.order, "descending": page.descending,
            "filters": [{"column": f.column, "op": f.op, "value": f.value}
                        for f in page.filters]}


@to_dict.register
def _(detail: RowDetail) -> dict[str, Any]:
    return {"table": to_dict(detail.table),
            "row": _row(detail.table, detail.row) if detail.row is not None else None,
            "referenced_by": [{"foreign_key": _foreign_key(fk), "rows": n}
                              for fk, n in detail.referenced_by]}


@to_dict.register
def _(change: RowChange) -> dict[str, Any]:
    return {"env": change.env, "schema": change.schema, "table": change.table,
            "action": change.action, "role": change.role, "sql": change.sql,
            "rows": change.rows, "dry_run": change.dry_run}


@to_dict.register
def _(found: Schema) -> dict[str, Any]:
    return {"env": found.env, "tables": [
        {**to_dict(t),
         "indexes": [{"name": i.name, "definition": i.definition, "unique": i.unique,
                      "primary": i.primary, "valid": i.valid, "size_bytes": i.size_bytes}
                     for i in found.indexes_of(t)],
         "constraints": [{"name": c.name, "kind": c.kind, "definition": c.definition,
                          "validated": c.validated} for c in found.constraints_of(t)]}
        for t in found.tables]}
