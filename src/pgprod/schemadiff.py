"""The schema diff as a command: load two catalogs, settle renames, compare.

`pgprod diff` compares the project's prod (source) with dev (target): the migration it
prints is what publishing would have to do, the very operations `pgprod plan` judges
(`pending` computes both). `--from URL --to URL` compares any two databases.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pgprod import catalog, db
from pgprod.conninfo import parse
from pgprod.diff import Migration, RenameCandidate, diff, parse_answers
from pgprod.diff.roles import renamed, without_grants_to
from pgprod.environment import Environment
from pgprod.errors import ConfigError, ConnectionFailed, UsageError
from pgprod.names import quote_ident
from pgprod.roles import GROUPS, ROLES

Ask = Callable[[RenameCandidate], bool]


def load_url(url: str, label: str) -> catalog.Catalog:
    """Read the catalog of the database at `url` (read-only)."""
    info = parse(url, label)
    try:
        conn = psycopg.connect(info.dsn(), connect_timeout=10, application_name="pgprod")
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(label, info.user, db.reason(exc)) from exc
    with conn:
        return catalog.load(conn)


def load_env(env: Environment) -> catalog.Catalog:
    """`env`'s schema as its administrator sees it (read-only), but for the
    administrator's own privileges (`without_grants_to`)."""
    with env.connect_admin(env.database) as conn:
        return without_grants_to(catalog.load(conn), [env.admin().user])


def load_dev(dev: Environment, prod: Environment) -> catalog.Catalog:
    """dev's schema (as `load_env` reads it) with prod's role names, which differ when
    their `role_prefix` does (`pgprod.diff.roles`)."""
    return renamed(load_env(dev), {dev.names(r): prod.names(r) for r in (*ROLES, *GROUPS)})


def load_prod(env: Environment) -> catalog.Catalog:
    """Prod's schema as the `owner` role sees it (read-only): publishing runs as owner, so
    what a migration creates is owned by owner and gets owner's default privileges, as in
    dev; read as anyone else, each new object would also need an owner change. The
    admin's own privileges (a managed service's provider's grants to it) are left out."""
    with env.connect("owner") as conn:
        return without_grants_to(catalog.load(conn), [env.admin().user])


def load_both(source: Callable[[], catalog.Catalog], target: Callable[[], catalog.Catalog],
              ) -> tuple[catalog.Catalog, catalog.Catalog]:
    """Load two catalogs at once: each is mostly waiting on its own server connection."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(source)
        second = pool.submit(target)
        return first.result(), second.result()


def read_answers(path: Path) -> list[str]:
    """Rename answers from a JSON file: {"renames": ["schema.table.old=new", ...]}
    (besides, perhaps, "fill": see `pgprod.plan.fills.read`)."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read rename answers ({exc})", path) from exc
    # a file may hold only the values for existing rows ("fill", `pgprod.plan.fills`)
    renames = data.get("renames", [] if "fill" in data else None) \
        if isinstance(data, dict) else None
    if not isinstance(renames, list) or not all(isinstance(r, str) for r in renames):
        raise ConfigError('expected {"renames": ["schema.table.old=new", ...]}', path)
    return renames


def compare(source: catalog.Catalog, target: catalog.Catalog, answers: Sequence[str] = (),
            ask: Ask | None = None) -> Migration:
    """Diff with the given rename answers; `ask` settles any candidate left (a prompt)."""
    answers = list(answers)
    migration = diff(source, target, parse_answers(answers, source, target))
    if ask is not None and migration.candidates:
        confirmed = [c.answer for c in migration.candidates if ask(c)]
        if confirmed:
            answers += confirmed
            migration = diff(source, target, parse_answers(answers, source, target))
    return migration


def diff_urls(source_url: str, target_url: str, answers: Sequence[str] = (),
              ask: Ask | None = None) -> Migration:
    if not source_url or not target_url:
        raise UsageError("--from and --to go together", "give both database URLs")
    source, target = load_both(lambda: load_url(source_url, "--from"),
                               lambda: load_url(target_url, "--to"))
    return compare(source, target, answers, ask)


@dataclass(frozen=True)
class Pending:
    """The pending change: prod's schema (`source`, read as publishing will change it),
    dev's (`target`) and the migration from one to the other."""

    source: catalog.Catalog
    target: catalog.Catalog
    migration: Migration


def pending(prod: Environment, dev: Environment, answers: Sequence[str] = (),
            ask: Ask | None = None) -> Pending:
    """What turns prod's schema into dev's, as `pgprod diff` prints it and `pgprod plan`
    judges it (read-only on both)."""
    source, target = load_both(lambda: load_prod(prod), lambda: load_dev(dev, prod))
    migration = without_managed_settings(
        without_managed_settings(compare(source, target, answers, ask), prod), dev)
    return Pending(source, target, migration)


def diff_project(prod: Environment, dev: Environment, answers: Sequence[str] = (),
                 ask: Ask | None = None) -> Migration:
    """The pending change's migration: what turns prod's schema into dev's."""
    return pending(prod, dev, answers, ask).migration


def without_managed_settings(migration: Migration, env: Environment) -> Migration:
    """`migration` without the unmodelled per-role settings pgprod gives its own roles:
    they differ between the environments by design, and `up` provisions them."""
    managed = tuple(f"FOR ROLE {quote_ident(env.names(r))}:" for r in ROLES)
    return dataclasses.replace(migration, unmodelled=tuple(
        u for u in migration.unmodelled
        if not (u.kind == "database setting" and u.name.startswith(managed))))
