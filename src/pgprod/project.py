"""A pgprod project: a directory with `pgprod.toml` and its state folder `.pgprod/`.

State layout (mode 711 directories, so the server's OS user can pass through them):
  .pgprod/secrets            role passwords, JSON, mode 600
  .pgprod/tls/               project CA and prod server certificate
  .pgprod/clusters/<env>/    embedded clusters, owned by the server's OS user (mode 700)
  .pgprod/backups/prod/      WAL archive, base backups, restore points (see pgprod.backups)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pgprod import config, credentials
from pgprod.cluster import TlsFiles, free_port, tls
from pgprod.config import CONFIG_FILE, ENVIRONMENTS, Config
from pgprod.errors import ConfigError, ProjectNotFound
from pgprod.roles import ROLES

STATE_DIR = ".pgprod"
SUPERUSER = "postgres"  # bootstrap superuser of embedded clusters


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def secrets_path(self) -> Path:
        return self.state / "secrets"

    @property
    def tls(self) -> TlsFiles:
        return TlsFiles(self.state / "tls")

    def cluster_dir(self, env: str) -> Path:
        return self.state / "clusters" / env

    def backups_dir(self, env: str) -> Path:
        return self.state / "backups" / env

    def passwords(self, env: str) -> dict[str, str]:
        """This environment's role passwords (created on first use)."""
        wanted = {env: (*ROLES, SUPERUSER)}
        return credentials.ensure(self.secrets_path, wanted)[env]


def find(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None,
         environ: Mapping[str, str] | None = None) -> Project:
    """The project named by `explicit`, else PGPROD_PROJECT, else the nearest pgprod.toml."""
    environ = os.environ if environ is None else environ
    given = explicit or environ.get("PGPROD_PROJECT")
    if given:
        root = Path(given).expanduser().resolve()
        if not (root / CONFIG_FILE).is_file():
            raise ConfigError(f"no {CONFIG_FILE} in {root}", hint="run `pgprod init` there")
        return Project(root, config.load(root / CONFIG_FILE, environ))
    start = (cwd or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_FILE).is_file():
            return Project(directory, config.load(directory / CONFIG_FILE, environ))
    raise ProjectNotFound(start)


def init(directory: Path, name: str | None = None,
         settings: Mapping[str, Mapping[str, config.Value]] | None = None) -> tuple[Project, bool]:
    """Create a project in `directory` (idempotent). Returns it and whether it was new."""
    directory = directory.expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CONFIG_FILE
    created = not path.exists()
    if created:
        ports = _distinct_free_ports(len(ENVIRONMENTS))
        overrides: dict[str, dict[str, config.Value]] = {
            "project": {"name": name or directory.name},
            **{env: {"port": port} for env, port in zip(ENVIRONMENTS, ports, strict=True)},
        }
        for section, values in (settings or {}).items():
            overrides.setdefault(section, {}).update(values)
        path.write_text(config.render(overrides), encoding="utf-8")
    project = Project(directory, config.load(path))
    for folder in (project.state, project.state / "clusters"):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o711)
    credentials.ensure(project.secrets_path, {env: (*ROLES, SUPERUSER) for env in ENVIRONMENTS})
    if not project.tls.exists():
        tls.generate(project.tls, project.config.name)
    _ignore_state(directory)
    return project, created


def _distinct_free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def _ignore_state(directory: Path) -> None:
    gitignore = directory / ".gitignore"
    lines = gitignore.read_text().splitlines() if gitignore.exists() else []
    if not any(line.strip().rstrip("/") in (STATE_DIR, "/" + STATE_DIR) for line in lines):
        with gitignore.open("a") as out:
            if lines and lines[-1].strip():
                out.write("\n")
            out.write(f"# pgprod state: clusters, secrets, logs\n{STATE_DIR}/\n")
