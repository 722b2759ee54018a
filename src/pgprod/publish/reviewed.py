"""The reviewed plan: what `pgprod plan` showed last (prod's fingerprint, the steps'
digest) and the answers it was made with (renames, allowed data loss, values for
existing rows), kept in
``.pgprod/reviewed-plan.json``. `publish` runs that plan with those answers, so its flags
need not be given twice; flags given to `publish` must be the reviewed ones."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from pgprod.errors import PgprodError, UsageError
from pgprod.plan import Plan
from pgprod.plan.model import Step
from pgprod.project import Project

from .lifecycle import now

AGAIN = "run `pgprod plan` with the same flags, or publish without them"


class FlagsDiffer(UsageError):
    """`publish` was given answers other than the ones the plan was reviewed with."""

    def __init__(self, differences: Sequence[tuple[str, Sequence[str], Sequence[str]]]
                 ) -> None:
        said = "; ".join(
            f"{_flags(flag, given)} but the reviewed plan had "
            f"{_flags(flag, reviewed) or 'none'}" for flag, given, reviewed in differences)
        super().__init__(f"publish was given {said}", AGAIN)
        self.differences = tuple((f, tuple(g), tuple(r)) for f, g, r in differences)


class PlanPublished(PgprodError):
    """The reviewed plan was published already; what is pending now was not reviewed."""

    def __init__(self, publish_id: str) -> None:
        super().__init__(f"the reviewed plan was published already (publish {publish_id}) "
                         "and what is pending now was not reviewed",
                         "review it with `pgprod plan`, then publish")
        self.publish_id = publish_id


def _flags(flag: str, values: Sequence[str]) -> str:
    return " ".join(f"{flag} {v}" for v in values)


@dataclass(frozen=True)
class Reviewed:
    """The reviewed plan as remembered. `renames` are the answers as given (and as
    confirmed at the prompt), `resolved` the renames they settled to (`Plan.renames`);
    both are None in a file written before answers were kept. `fills` are the values
    for existing rows as given (column as written -> value), `filled` what they settled
    to (`Plan.fills`, by column key); None in a file written before fills were kept.
    `published` names the publish that ran it."""

    fingerprint: str
    steps: str
    at: str
    renames: tuple[str, ...] | None = None
    resolved: tuple[str, ...] | None = None
    allow_data_loss: tuple[str, ...] | None = None
    published: str | None = None
    fills: dict[str, str] | None = None
    filled: dict[str, str] | None = None


def digest(steps: Sequence[Step]) -> str:
    text = json.dumps([asdict(s) for s in steps], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remember(project: Project, plan: Plan, answers: Sequence[str] = (),
             allowed: Sequence[str] = (), fills: Mapping[str, str] | None = None) -> None:
    """Record `plan`, made with `answers`, `allowed` and `fills`, as the reviewed one."""
    _save(project, Reviewed(plan.fingerprint, digest(plan.steps), now(), tuple(answers),
                            plan.renames, tuple(allowed), fills=dict(fills or {}),
                            filled=dict(plan.fills)))


def load(project: Project) -> Reviewed | None:
    """The reviewed plan, or None when `pgprod plan` has not run (read-only)."""
    path = project.state / "reviewed-plan.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))

    def texts(key: str) -> tuple[str, ...] | None:
        found = data.get(key)
        return tuple(found) if isinstance(found, list) else None

    def mapping(key: str) -> dict[str, str] | None:
        found = data.get(key)
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) \
            else None

    return Reviewed(data["fingerprint"], data["steps"], data["at"], texts("renames"),
                    texts("resolved"), texts("allow_data_loss"), data.get("published"),
                    mapping("fills"), mapping("filled"))


def mark_published(project: Project, reviewed: Reviewed, publish_id: str) -> None:
    """Remember that publish `publish_id` ran the reviewed plan."""
    _save(project, replace(reviewed, published=publish_id))


def _save(project: Project, reviewed: Reviewed) -> None:
    path = project.state / "reviewed-plan.json"
    path.write_text(json.dumps(asdict(reviewed)), encoding="utf-8")


def answers(reviewed: Reviewed | None, renames: Sequence[str], allowed: Sequence[str],
            ) -> tuple[list[str], list[str]]:
    """The renames and allowed data loss to publish with: the reviewed ones for a flag
    not given. A given --allow-data-loss must be the reviewed one (renames are compared
    once resolved, by `check_renames`); raises FlagsDiffer."""
    if reviewed is None:
        return list(renames), list(allowed)
    if allowed and reviewed.allow_data_loss is not None \
            and set(allowed) != set(reviewed.allow_data_loss):
        differ = [("--allow-data-loss", allowed, reviewed.allow_data_loss)]
        if renames and reviewed.renames is not None and set(renames) != set(reviewed.renames):
            differ.insert(0, ("--rename", renames, reviewed.renames))
        raise FlagsDiffer(differ)
    return (list(renames or reviewed.renames or ()),
            list(allowed or reviewed.allow_data_loss or ()))


def check_renames(reviewed: Reviewed | None, renames: Sequence[str], plan: Plan) -> None:
    """Raise FlagsDiffer when --rename was given and settles to other renames than the
    reviewed plan's (the same renames written another way are the same)."""
    if not renames or reviewed is None or reviewed.resolved is None:
        return
    if set(plan.renames) != set(reviewed.resolved):
        raise FlagsDiffer([("--rename", renames, reviewed.renames or ())])


def fill_answers(reviewed: Reviewed | None, fills: Mapping[str, str]) -> dict[str, str]:
    """The values for existing rows to publish with: the reviewed ones unless given
    (given ones are compared once resolved, by `check_fills`)."""
    if fills or reviewed is None:
        return dict(fills)
    return dict(reviewed.fills or {})


def check_fills(reviewed: Reviewed | None, fills: Mapping[str, str], plan: Plan) -> None:
    """Raise FlagsDiffer when --fill was given and settles to other values than the
    reviewed plan's (the same column written with or without its schema is the same)."""
    if not fills or reviewed is None or reviewed.filled is None:
        return
    if dict(plan.fills) != reviewed.filled:
        raise FlagsDiffer([("--fill", _pairs(fills), _pairs(reviewed.fills or {}))])


def _pairs(fills: Mapping[str, str]) -> list[str]:
    return [f"{column}={value}" for column, value in fills.items()]
