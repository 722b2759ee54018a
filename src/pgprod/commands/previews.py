"""Commands on deployment previews: create one, list, delete, rehearse the pending
publish on one and show its report (`pgprod.preview`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pgprod import events, preview, registry
from pgprod.actions import recorded
from pgprod.preview import mask, rehearse
from pgprod.project import Project


@dataclass(frozen=True)
class PreviewInfo:
    """A preview as `pgprod preview list` shows it: whether its server runs, the app
    role's URL, and its latest rehearsal's outcome."""

    preview: preview.Preview
    running: bool
    url: str | None
    rehearsal: rehearse.Rehearsal | None


def _info(project: Project, made: preview.Preview) -> PreviewInfo:

    running = preview.cluster_of(project, made.name).pid() is not None
    env = preview.environment(project, made)
    url = env.conninfo("app").url() if made.state == preview.READY else None
    found = rehearse.rehearsals(project, made.name)
    return PreviewInfo(made, running, url, found[-1] if found else None)


def preview_create(project: Project, name: str | None = None, at: str = "now",
                   ttl: str = preview.DEFAULT_TTL, on_event: events.OnEvent = events.ignore,
                   actor: str | None = None, masked: bool = False,
                   schema_only: bool = False, from_prod: bool | None = None,
                   ) -> PreviewInfo:
    """A new preview: a copy of prod at `at`, deleted after `ttl`; `masked`: with the
    columns of `[preview.mask]` masked before anyone but pgprod's superuser connects;
    `schema_only` (an external prod): without rows; `from_prod`: streamed from prod's
    server as it is now (True; the default for now) or recovered from its backups
    (False; the only way for a moment before now)."""
    with recorded(project, "preview create", name, actor, at=at, ttl=ttl,
                  masked=masked, schema_only=schema_only, from_prod=from_prod) as act:
        made = preview.create(project, name, at, ttl, on_event, masked=masked,
                              schema_only=schema_only, from_prod=from_prod)
        act.result = {"preview": made.name, "origin": made.origin,
                      "expires": made.expires.isoformat(), "masked": made.masked}
        return _info(project, made)


@dataclass(frozen=True)
class MaskSuggestions:
    """`pgprod preview mask --suggest`: the columns of prod that look personal, each
    with a proposed rule; `configured`: those `[preview.mask]` masks already."""

    suggestions: tuple[mask.Suggestion, ...]
    configured: frozenset[str]

    def unconfigured(self) -> list[mask.Suggestion]:
        return [s for s in self.suggestions if s.rule.target not in self.configured]


def preview_mask_suggest(project: Project) -> MaskSuggestions:
    """Columns of prod that look personal (by name, type and a sample of their content),
    with a rule for `[preview.mask]` each. Read-only: reads prod as the readonly role."""
    rules = mask.rules(project.config.preview_mask, project.config.path)
    with registry.get(project, "prod").connect("readonly") as conn:
        found = mask.suggest(conn)
    return MaskSuggestions(tuple(found), frozenset(r.target for r in rules))


def preview_mask_rules(project: Project) -> tuple[mask.Rule, ...]:
    """The masking rules of `[preview.mask]`, checked for syntax (reads pgprod.toml only)."""
    return mask.rules(project.config.preview_mask, project.config.path)


def preview_list(project: Project) -> list[PreviewInfo]:
    """The previews (expired and interrupted ones are deleted first)."""
    return [_info(project, p) for p in preview.list_previews(project)]


def preview_delete(project: Project, name: str, actor: str | None = None) -> None:
    """Stop a preview and delete its files and passwords."""
    with recorded(project, "preview delete", name, actor):
        preview.delete(project, name)


def preview_apply(project: Project, name: str, answers: Sequence[str] = (),
                  allowed: Sequence[str] = (), fills: Mapping[str, str] | None = None,
                  contract: bool = True, test: str | None = None,
                  on_event: events.OnEvent = events.ignore,
                  actor: str | None = None, load: bool = False) -> rehearse.Rehearsal:
    """Rehearse the plan `publish` would run now on preview `name`, and verify it;
    `load`: under a write load, recording each step's longest write stall."""
    with recorded(project, "preview apply", name, actor, renames=list(answers),
                  allow_data_loss=list(allowed), fill=dict(fills or {}),
                  contract=contract, test=test, load=load) as act:
        done = rehearse.apply(project, name, answers, allowed, fills, contract, test,
                              on_event, load=load)
        act.result = {"status": done.report.status, "digest": done.digest}
        return done


def preview_report(project: Project, name: str) -> rehearse.Rehearsal:
    """The latest rehearsal on preview `name` and its report (read-only)."""
    return rehearse.latest(project, name)
