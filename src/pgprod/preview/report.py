"""A preview's verification report: checks with a status and their evidence, as data.

A check is pass, warn or fail, in one of three sections (functional, integrity,
performance), names what it is about (``object``) and carries JSON-able evidence. The
report's status is its worst check's. It renders as JSON (`Report.to_dict`, the one
shape of ``--json``), as text (one line per check) and as Markdown (a document, with
plans side by side). Evidence keys the renderers know: ``plan_before``/``plan_after``
(plans as text, shown side by side), ``output`` (a program's last lines) and
``samples`` (rows, shown as a table in Markdown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PASS, WARN, FAIL = "pass", "warn", "fail"
STATUSES = (PASS, WARN, FAIL)  # least severe first
FUNCTIONAL, INTEGRITY, PERFORMANCE = "functional", "integrity", "performance"
SECTIONS = (FUNCTIONAL, INTEGRITY, PERFORMANCE)

_SHORT = 60  # characters of a value shown in a text line


@dataclass(frozen=True)
class Check:
    """One verification: ``evidence`` holds JSON-able values (dicts, lists, str, numbers,
    bool, None) only, so it survives `Report.to_dict`/`from_dict` unchanged."""

    section: str
    status: str
    code: str
    object: str
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "status": self.status, "code": self.code,
                "object": self.object, "message": self.message,
                "evidence": dict(self.evidence)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Check:
        return cls(str(data["section"]), str(data["status"]), str(data["code"]),
                   str(data["object"]), str(data["message"]), dict(data.get("evidence") or {}))


def worst(statuses: Iterable[str]) -> str:
    """The most severe of `statuses` (pass when there are none)."""
    return max(statuses, key=STATUSES.index, default=PASS)


@dataclass(frozen=True)
class Report:
    """The checks of one verification of preview ``preview``; ``plan_fingerprint``
    identifies the rehearsed plan, ``created`` when the report was made (ISO 8601)."""

    preview: str
    checks: tuple[Check, ...]
    plan_fingerprint: str = ""
    created: str = ""

    @property
    def status(self) -> str:
        return worst(c.status for c in self.checks)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.status == s) for s in STATUSES}

    def section(self, name: str) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.section == name)

    def to_dict(self) -> dict[str, Any]:
        return {"preview": self.preview, "status": self.status,
                "checks": [c.to_dict() for c in self.checks],
                "plan_fingerprint": self.plan_fingerprint, "created": self.created}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        return cls(str(data["preview"]), tuple(Check.from_dict(c) for c in data["checks"]),
                   str(data.get("plan_fingerprint", "")), str(data.get("created", "")))

    def _sections(self) -> list[tuple[str, tuple[Check, ...]]]:
        known = [(s, self.section(s)) for s in SECTIONS]
        other = sorted({c.section for c in self.checks} - set(SECTIONS))
        return [(s, checks) for s, checks in known + [(s, self.section(s)) for s in other]
                if checks]

    def text(self) -> str:
        """Readable text: a headline, then per section one line per check."""
        counts = self.counts()
        head = (f"preview {self.preview}: {self.status.upper()} "
                f"({counts[PASS]} pass, {counts[WARN]} warn, {counts[FAIL]} fail)")
        if self.plan_fingerprint:
            head += f", plan {self.plan_fingerprint}"
        if self.created:
            head += f", {self.created}"
        lines = [head]
        for name, checks in self._sections():
            lines.append(name)
            for check in checks:
                line = f"  {check.status:<4}  {check.code}  {check.object}: {check.message}"
                summary = summarise(check.evidence)
                lines.append(f"{line}  [{summary}]" if summary else line)
        if not self.checks:
            lines.append("  no checks")
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        """A Markdown document: a heading per section, per check a heading, its message
        and its evidence (a list, tables of samples, plans side by side in a code block)."""
        counts = self.counts()
        out = [f"# Preview `{self.preview}`: {self.status}", ""]
        facts = [f"{counts[PASS]} pass, {counts[WARN]} warn, {counts[FAIL]} fail"]
        if self.plan_fingerprint:
            facts.append(f"plan `{self.plan_fingerprint}`")
        if self.created:
            facts.append(f"created {self.created}")
        out += [" · ".join(facts), ""]
        for name, checks in self._sections():
            out += [f"## {name.capitalize()}", ""]
            for check in checks:
                out += _markdown_check(check)
        return "\n".join(out).rstrip("\n") + "\n"


def summarise(evidence: Mapping[str, Any], limit: int = 5) -> str:
    """Evidence in a few words: short values as key=value, collections by their size,
    multi-line texts (plans, output) by their line count."""
    parts: list[str] = []
    for key, value in evidence.items():
        if len(parts) == limit:
            parts.append("...")
            break
        if isinstance(value, str) and "\n" in value:
            parts.append(f"{key}: {value.count(chr(10)) + 1} lines")
        elif isinstance(value, list | tuple):
            parts.append(f"{key}: {len(value)}")
        elif isinstance(value, Mapping):
            parts.append(f"{key}: {len(value)} entries")
        else:
            text = str(value)
            parts.append(f"{key}={text if len(text) <= _SHORT else text[:_SHORT - 3] + '...'}")
    return ", ".join(parts)


def _markdown_check(check: Check) -> list[str]:
    out = [f"### {check.status.upper()} `{check.code}` {_inline(check.object)}", "",
           _inline(check.message), ""]
    evidence = dict(check.evidence)
    before, after = evidence.pop("plan_before", None), evidence.pop("plan_after", None)
    blocks: list[list[str]] = []
    items = []
    for key, value in evidence.items():
        if isinstance(value, str) and "\n" in value:
            blocks.append([f"**{key}**:", "", *_fenced(value), ""])
        elif key == "samples" and isinstance(value, list) and value:
            blocks.append([f"**{key}**:", "", *_table(value), ""])
        else:
            items.append(f"- **{key}**: {_inline(_value(value))}")
    if items:
        out += [*items, ""]
    for block in blocks:
        out += block
    if before is not None or after is not None:
        out += ["**plans** (before | after):", "",
                *_fenced(side_by_side(str(before or ""), str(after or ""))), ""]
    return out


def side_by_side(left: str, right: str, gap: str = "  |  ") -> str:
    """Two texts in two columns, the left padded to its widest line."""
    a, b = left.splitlines(), right.splitlines()
    width = max((len(line) for line in a), default=0)
    rows = [f"{(a[i] if i < len(a) else ''):<{width}}{gap}{b[i] if i < len(b) else ''}"
            for i in range(max(len(a), len(b)))]
    return "\n".join(line.rstrip() for line in rows)


def _fenced(text: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [fence, *text.splitlines(), fence]


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) if value else "none"
    return "NULL" if value is None else str(value)


def _inline(text: str) -> str:
    """Text safe in a Markdown line or table cell: no newlines, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(rows: list[Any]) -> list[str]:
    """Sample rows (dicts, or lists) as a Markdown table."""
    if all(isinstance(r, Mapping) for r in rows):
        header = list(dict.fromkeys(k for r in rows for k in r))
        cells = [[_value(r.get(k)) for k in header] for r in rows]
    else:
        width = max(len(r) if isinstance(r, list | tuple) else 1 for r in rows)
        header = [str(i + 1) for i in range(width)]
        cells = [[_value(v) for v in (r if isinstance(r, list | tuple) else [r])] for r in rows]
    out = ["| " + " | ".join(_inline(h) for h in header) + " |",
           "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_inline(c) for c in row) + " |" for row in cells]
    return out
