"""The command layer: every interface (the CLI, the console, an agent's) calls these
plain functions and nothing below them.

Each takes the project first and returns result objects (`shapes.to_dict` is their one
JSON shape); none prints or exits. Every command that changes something takes `actor`
(default: the OS user) and is recorded in the action log (`pgprod.actions`), failed and
interrupted runs included. Long work reports progress as `pgprod.events`.

The functions are imported on first use, so an interface that only parses its
arguments (`pgprod --help`) does not load the database driver or the schema engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgprod.commands.audit import Trail, actions, audit_events, audit_verify, console_login
    from pgprod.commands.backing import (
        RestoredCopy,
        RestoreResult,
        backup,
        connection,
        drop_restored,
        listing,
        promote,
        restore,
        restores,
    )
    from pgprod.commands.browsing import (
        RowChange,
        RowDetail,
        Schema,
        export,
        row,
        row_delete,
        row_insert,
        row_update,
        rows,
        schema,
        table,
        tables,
    )
    from pgprod.commands.edits import edit_off, edit_on, edit_status
    from pgprod.commands.envs import (
        META_QUERIES,
        Install,
        Note,
        RecoverResult,
        RotateResult,
        default_role,
        down,
        env_vars,
        environment,
        environments,
        explain,
        init,
        postgres_fetch,
        postgres_installs,
        recover,
        rotate,
        sql,
        sql_stream,
        status,
        status_notes,
        up,
    )
    from pgprod.commands.previews import (
        MaskSuggestions,
        PreviewInfo,
        preview_apply,
        preview_create,
        preview_delete,
        preview_list,
        preview_mask_rules,
        preview_mask_suggest,
        preview_report,
    )
    from pgprod.commands.publishing import (
        Diff,
        Published,
        Review,
        change_document,
        contract,
        current,
        demo,
        diff,
        history,
        logs,
        plan,
        publish,
        read_answers,
        read_fills,
        resume,
        review,
        rollback,
    )
    from pgprod.commands.shapes import to_dict

_WHERE = {
    "audit": ["Trail", "actions", "audit_events", "audit_verify", "console_login"],
    "backing": ["RestoredCopy", "RestoreResult", "backup", "connection", "drop_restored",
                "listing", "promote", "restore", "restores"],
    "browsing": ["RowChange", "RowDetail", "Schema", "export", "row", "row_delete",
                 "row_insert", "row_update", "rows", "schema", "table", "tables"],
    "edits": ["edit_off", "edit_on", "edit_status"],
    "envs": ["META_QUERIES", "Install", "Note", "RecoverResult", "RotateResult",
             "default_role", "down", "env_vars", "environment", "environments", "explain",
             "init", "postgres_fetch", "postgres_installs", "recover", "rotate", "sql",
             "sql_stream", "status", "status_notes", "up"],
    "publishing": ["Diff", "Published", "Review", "change_document", "contract", "current",
                   "demo", "diff", "history", "logs", "plan", "publish", "read_answers",
                   "read_fills", "resume", "review", "rollback"],
    "previews": ["MaskSuggestions", "PreviewInfo", "preview_apply", "preview_create",
                 "preview_delete", "preview_list", "preview_mask_rules",
                 "preview_mask_suggest", "preview_report"],
    "shapes": ["to_dict"],
}
_MODULE = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "META_QUERIES",
    "Diff",
    "Install",
    "MaskSuggestions",
    "Note",
    "PreviewInfo",
    "Published",
    "RecoverResult",
    "RestoreResult",
    "RestoredCopy",
    "Review",
    "RotateResult",
    "RowChange",
    "RowDetail",
    "Schema",
    "Trail",
    "actions",
    "audit_events",
    "audit_verify",
    "backup",
    "change_document",
    "connection",
    "console_login",
    "contract",
    "current",
    "default_role",
    "demo",
    "diff",
    "down",
    "drop_restored",
    "edit_off",
    "edit_on",
    "edit_status",
    "env_vars",
    "environment",
    "environments",
    "explain",
    "export",
    "history",
    "init",
    "listing",
    "logs",
    "plan",
    "postgres_fetch",
    "postgres_installs",
    "preview_apply",
    "preview_create",
    "preview_delete",
    "preview_list",
    "preview_mask_rules",
    "preview_mask_suggest",
    "preview_report",
    "promote",
    "publish",
    "read_answers",
    "read_fills",
    "recover",
    "restore",
    "restores",
    "resume",
    "review",
    "rollback",
    "rotate",
    "row",
    "row_delete",
    "row_insert",
    "row_update",
    "rows",
    "schema",
    "sql",
    "sql_stream",
    "status",
    "status_notes",
    "table",
    "tables",
    "to_dict",
    "up",
]


def __getattr__(name: str) -> Any:
    module = _MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'pgprod.commands' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pgprod.commands.{module}"), name)
    globals()[name] = value
    return value
