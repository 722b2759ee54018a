"""A plan printed for people (text), for tools (JSON) and for the publish history
(Markdown change documentation). Pure functions: a `Plan` in, a string out."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable

from .model import PHASES, SEVERITIES, Finding, Plan, Step

_PHASE_HELP = {
    "expand": "runs now; the running app keeps working",
    "migrate": "moves data while the app runs",
    "contract": "run with `publish --contract` once the new app version is live",
}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary(plan: Plan) -> str:
    """One line: how many changes, findings by severity and steps by phase."""
    if not plan:
        return "No changes: prod's schema already matches dev's."
    severities = Counter(f.severity for f in plan.findings)
    found = ", ".join(f"{severities[s]} {s}" for s in SEVERITIES if severities[s])
    phases = Counter(s.phase for s in plan.steps)
    stepped = ", ".join(f"{phases[p]} {p}" for p in PHASES if phases[p])
    return (f"{_count(len(plan.changes), 'change')}, "
            f"{_count(len(plan.findings), 'finding')}" + (f" ({found})" if found else "")
            + f", {_count(len(plan.steps), 'step')}" + (f" ({stepped})" if stepped else ""))


def _unchecked_text(objects: tuple[str, ...]) -> str:
    checks = "1 check" if len(objects) == 1 else f"{len(objects)} checks"
    return (f"{checks} against prod's data could not run ({', '.join(objects)}): the steps "
            "validate the data as they run, so publishing may still stop part-way")


def _finding_lines(finding: Finding, indent: str = "  ") -> list[str]:
    lines = [f"{indent}{finding.severity.upper():<11} {finding.code}  {finding.object}",
             f"{indent}  {finding.message}"]
    evidence = finding.evidence
    if evidence is not None:
        lines.append(f"{indent}  evidence: {evidence.summary}")
        lines += [f"{indent}    {row}" for row in evidence.sample]
        for usage in evidence.usage[:5]:
            since = f" since {usage.since}" if usage.since else ""
            calls = _count(usage.calls, "call").replace(str(usage.calls), f"{usage.calls:,}")
            lines.append(f"{indent}    {calls}{since}: {_one_line(usage.query)}")
    lines.append(f"{indent}  action: {finding.action}")
    return lines


def _one_line(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 3] + "..."


def _step_header(number: int, step: Step) -> str:
    facts = [f"lock: {step.lock}"]
    if step.seconds >= 0.05:
        facts.append(f"~{step.seconds:.1f} s")
    if not step.transaction:
        facts.append("outside a transaction")
    if step.batches is not None:
        facts.append(f"in batches of {step.batches.pages} pages")
    if step.maintenance:
        facts.append(f"MAINTENANCE: {step.maintenance}")
    return f"  {number}. {step.purpose} [change {step.change}] ({'; '.join(facts)})"


def text(plan: Plan, refused: str | None = None) -> str:
    """The readable report: summary line, findings by severity, then steps with SQL."""
    lines = [summary(plan)]
    if not plan:
        lines += [f"  not compared: {u}" for u in plan.unmodelled]
        return "\n".join(lines) + "\n"
    if refused:
        lines.append(f"STOPPED: {refused}")
    missing = plan.unchecked
    if missing:
        lines.append(f"NOT CHECKED: {_unchecked_text(missing)}")
    if plan.findings:
        lines += ["", "Findings"]
        for severity in SEVERITIES:
            for finding in plan.by_severity(severity):
                lines += _finding_lines(finding)
    number = 0
    for phase in PHASES:
        steps = plan.phase(phase)
        if not steps:
            continue
        lines += ["", f"Steps: {phase} ({_PHASE_HELP[phase]})"]
        for step in steps:
            number += 1
            lines.append(_step_header(number, step))
            lines += [f"     {line}" for line in _statement(_shown(step)).splitlines()]
    return "\n".join(lines) + "\n"


def _shown(step: Step) -> str:
    """The statement as shown: with secrets masked (see `Step.shown`)."""
    return step.shown or step.sql


def _step_json(step: Step) -> dict[str, object]:
    data = dataclasses.asdict(step)
    data["sql"] = data.pop("shown") or step.sql
    return data


def _statement(sql_text: str) -> str:
    return sql_text if sql_text.rstrip().endswith(";") else sql_text + ";"


def as_json(plan: Plan, refused: str | None = None) -> str:
    """``{"changes": [...], "findings": [...], "steps": [...]}`` plus the fingerprint,
    the confirmed renames, the values for existing rows (``fills``), what it writes into
    migration ledgers (``records``), the objects whose evidence could not be read and
    whether the plan may run."""
    data = {
        "changes": [dataclasses.asdict(c) for c in plan.changes],
        "findings": [dataclasses.asdict(f) for f in plan.findings],
        "steps": [_step_json(s) for s in plan.steps],
        "fingerprint": plan.fingerprint,
        "renames": list(plan.renames),
        "fills": dict(plan.fills),
        "records": [dataclasses.asdict(r) for r in plan.records],
        "unmodelled": list(plan.unmodelled),
        "unchecked": list(plan.unchecked),
        "refused": refused,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def markdown(plan: Plan, refused: str | None = None, title: str = "Schema change") -> str:
    """Change documentation: what changes, why it is safe or not, expected impact."""
    out = [f"# {title}", "", summary(plan), ""]
    if not plan:
        return "\n".join(out)
    out += ["## What changes", ""]
    out += [f"{c.id}. {c.summary}" for c in plan.changes]
    out += ["", "## Is it safe?", ""]
    out += [*_verdict(plan, refused), ""]
    for finding in plan.findings:
        out.append(f"- **{finding.severity}** `{finding.code}` {finding.object}: "
                   f"{finding.message}. *Action:* {finding.action}.")
        if finding.evidence is not None:
            out.append(f"  - Evidence: {finding.evidence.summary}")
            out += [f"    - `{row}`" for row in finding.evidence.sample]
    out += ["", "## Expected impact", "", *_impact(plan.steps)]
    out += ["", "## Steps", ""]
    for phase in PHASES:
        steps = plan.phase(phase)
        if steps:
            out += [f"### {phase.capitalize()} — {_PHASE_HELP[phase]}", "", "```sql"]
            for step in steps:
                out += [f"-- {step.purpose} (lock: {step.lock})", _statement(_shown(step))]
            out += ["```", ""]
    return "\n".join(out)


def _verdict(plan: Plan, refused: str | None) -> list[str]:
    """The answer to "Is it safe?": never "Yes" while a check could not run."""
    missing = plan.unchecked
    lines = [f"**No — the plan is stopped:** {refused}"] if refused else []
    if missing:
        lines.append(f"**Not known:** {_unchecked_text(missing)}.")
    if lines:
        return lines
    if plan.findings:
        worst = next(s for s in SEVERITIES if plan.by_severity(s))
        return [f"Yes, with the findings below (the most severe is *{worst}*)."]
    return ["Yes: no finding; every step runs online."]


def _impact(steps: Iterable[Step]) -> Iterable[str]:
    steps = list(steps)
    maintenance = [s for s in steps if s.maintenance]
    total = sum(s.seconds for s in steps)
    if maintenance:
        down = sum(s.seconds for s in maintenance)
        reasons = "; ".join(sorted({s.maintenance or "" for s in maintenance}))
        yield (f"- Downtime: the app must be stopped for {len(maintenance)} step(s), "
               f"about {down:.1f} s ({reasons}).")
    else:
        yield ("- Downtime: none expected; each DDL step waits at most its lock timeout "
               "and retries.")
    yield f"- Estimated duration of all steps: about {total:.1f} s (from prod's table sizes)."
    contract = [s for s in steps if s.phase == "contract"]
    if contract:
        yield (f"- {len(contract)} contract step(s) remain after publishing: run "
               "`pgprod publish --contract` once the new app version is live.")
