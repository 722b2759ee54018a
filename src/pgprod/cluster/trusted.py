"""Extensions on request: the app's roles may `CREATE EXTENSION` the ones allowed.

PostgreSQL lets a role with CREATE on a database create a *trusted* extension (its
script then runs as the bootstrap superuser); pg_trgm, citext, hstore and most of
contrib are trusted, pgvector and earthdistance are not. For each extension of the
`[extensions] allow` setting that the installation offers but does not trust, pgprod
writes a copy of its control file marked `trusted = true` (its scripts still read from
the installation) into a folder of the embedded cluster, which the server searches
first (`extension_control_path`, PostgreSQL 18+). Nobody is made superuser, and an
extension left out of the list stays an administrator's.

An external server (older than 18 or not pgprod's to configure) is not changed: there
the provider's or administrator's allowlist applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pgprod.cluster.binaries import Binaries
from pgprod.errors import ConfigError

FOLDER = "pgprod_extensions"  # in PGDATA: base backups and restored copies carry it
FIRST_VERSION = 18  # extension_control_path

_NAME = re.compile(r"^[a-z0-9_][a-z0-9_-]*$")
_SET = re.compile(r"^\s*(\w+)\s*=\s*'?([^'#]*)'?", re.MULTILINE)


def allowed(setting: str) -> tuple[str, ...]:
    """The extension names of an `[extensions] allow` value (commas or spaces)."""
    found = tuple(n for n in re.split(r"[\s,]+", setting.strip()) if n)
    for name in found:
        if not _NAME.match(name):
            raise ConfigError(f"[extensions] allow: {name!r} is not an extension name",
                              hint="list extension names, e.g. allow = \"vector, pg_trgm\"")
    return found


def control_files(binaries: Binaries, allow: tuple[str, ...]) -> Mapping[str, str]:
    """Trusted copies (file name -> text) of the control files of the allowed extensions
    the installation offers and does not already trust; none before PostgreSQL 18."""
    source = binaries.extension_dir
    if binaries.major < FIRST_VERSION or source is None:
        return {}
    copies = {}
    for name in allow:
        control = source / f"{name}.control"
        if not control.is_file():
            continue  # not in this installation ("where present")
        text = control.read_text(encoding="utf-8")
        values = {key: value.strip() for key, value in _SET.findall(text)}
        if values.get("trusted", "").lower() in ("true", "on", "yes", "1"):
            continue
        # scripts stay where the installation has them: `directory` names them, relative
        # to the share directory when the original gives a relative one
        scripts = Path(values["directory"]) if "directory" in values else source
        if not scripts.is_absolute():
            scripts = source.parent / scripts
        kept = [line for line in text.splitlines()
                if not re.match(r"\s*(trusted|directory)\s*=", line)]
        copies[f"{name}.control"] = "\n".join([
            *kept, "# pgprod: allowed by [extensions] allow", "trusted = true",
            "directory = '{}'".format(str(scripts).replace("'", "''")), ""])
    return copies
