"""A pgprod project: a directory with `pgprod.toml` and its state folder `.pgprod/`.

State layout (mode 711 directories, so the server's OS user can pass through them):
  .pgprod/secrets            role passwords, JSON, mode 600
  .pgprod/tls/               project CA and prod server certificate
  .pgprod/clusters/<env>/    embedded clusters, owned by the server's OS user (mode 700)
  .pgprod/backups/prod/      WAL archive, base backups, restore points (see pgprod.backups)

As root, when the server's OS user cannot enter the project directory, `init` keeps
clusters and backups in a server home instead (see `pgprod.cluster.home`), records it
as the symlink `.pgprod/server-home`, and makes `.pgprod/clusters` and `.pgprod/backups`
symlinks into it, so both paths still lead to them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pgprod import config, credentials
from pgprod.cluster import TlsFiles, free_port, home, tls
from pgprod.cluster.osuser import can_reach
from pgprod.config import CONFIG_FILE, ENVIRONMENTS, Config
from pgprod.errors import ConfigError, ProjectNotFound, UsageError
from pgprod.roles import ROLES

STATE_DIR = ".pgprod"
SERVER_HOME = "server-home"  # .pgprod/server-home -> the server home, when there is one
MOVABLE = ("clusters", "backups")  # what a server home holds instead of .pgprod/
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

    @property
    def server_home(self) -> Path | None:
        """The directory holding this project's clusters and prod's backups when they are
        kept outside the project (as root, for a project the server's OS user cannot
        enter; see `pgprod.cluster.home`); None when they are under `.pgprod/`.
        Read-only: the record is the symlink `.pgprod/server-home`."""
        try:
            return Path(os.readlink(self.state / SERVER_HOME))
        except OSError:  # no such link (or not a link)
            return None

    @property
    def servers_root(self) -> Path:
        """Where `clusters/` and `backups/` are: the server home, else `.pgprod/`.
        Paths handed to the server go through it, never through a symlink in the project,
        which the server's OS user may not be able to enter."""
        return self.server_home or self.state

    def cluster_dir(self, env: str) -> Path:
        return self.servers_root / "clusters" / env

    def backups_dir(self, env: str) -> Path:
        return self.servers_root / "backups" / env

    def passwords(self, env: str) -> dict[str, str]:
        """This environment's role passwords (created on first use; never for dev or
        prod once their embedded server exists, see `kept_passwords`)."""
        wanted = {env: (*ROLES, SUPERUSER)}
        return credentials.ensure(self.secrets_path, wanted, self.kept_passwords((env,)))[env]

    def kept_passwords(self, envs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """The passwords of `envs` that live on a server already, so pgprod must never
        make up new ones: the superuser's of dev's and prod's embedded clusters once
        initialised (read-only). A copy's are its origin's, or made for it once its
        server exists (a preview's), so copies are not named here."""
        return {env: (SUPERUSER,) for env in envs if env in ENVIRONMENTS
                and self.config.env(env).embedded
                and (self.cluster_dir(env) / "data" / "PG_VERSION").is_file()}

    def forget_passwords(self, env: str) -> None:
        """Delete the passwords of an environment that is gone (a deleted preview)."""
        credentials.forget(self.secrets_path, env)


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
    _refuse_state_folder(Path(os.path.abspath(directory.expanduser())))
    directory = directory.expanduser().resolve()
    _refuse_state_folder(directory)  # also through a symlink into a server home
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
    project.state.mkdir(exist_ok=True)
    os.chmod(project.state, 0o711)
    _place_servers(project)
    credentials.ensure(project.secrets_path, {env: (*ROLES, SUPERUSER) for env in ENVIRONMENTS},
                       project.kept_passwords(ENVIRONMENTS))
    if not project.tls.exists():
        tls.generate(project.tls, project.config.name)
    _ignore_state(directory)
    return project, created


def _refuse_state_folder(directory: Path) -> None:
    """A project inside another's state folder would be deleted with it, and its
    clusters mixed with that project's."""
    for folder in (directory, *directory.parents):
        if folder.name == STATE_DIR:
            raise UsageError(
                f"{directory} is inside the state folder {folder}",
                f"run `pgprod init` in {folder.parent} or a directory outside {STATE_DIR}/",
            )
        if folder in home.ROOTS:
            raise UsageError(f"{directory} is inside {folder}, where pgprod keeps clusters",
                             "run `pgprod init` in a directory of your own")


def _place_servers(project: Project) -> None:
    """Make the folders that hold clusters and backups: under `.pgprod/`, or, as root
    when the server's OS user cannot enter the project, in a server home (created on
    the first `init` that needs one, and only while `.pgprod/` holds no cluster yet).

    The record `.pgprod/server-home` is written before the symlinks that lead into the
    home, so an interrupted `init` is completed by the next one."""
    where = project.server_home
    if where is None:
        where = _home_behind(project.state / "clusters")  # the record alone was lost
        if where is None and _needs_home(project):
            where = home.create(project.config.name, project.config.os_user)
        if where is not None:
            _link(project.state / SERVER_HOME, where)
    if where is None:
        folder = project.state / "clusters"
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o711)
        return
    where.mkdir(mode=0o711, parents=True, exist_ok=True)  # removed by hand: made again
    if not (where / home.BACK_LINK).is_symlink():
        os.symlink(project.root, where / home.BACK_LINK)
    for name in MOVABLE:
        (where / name).mkdir(mode=0o711, exist_ok=True)
        os.chmod(where / name, 0o711)
        link = project.state / name
        if not (link.is_symlink() and Path(os.readlink(link)) == where / name):
            _clear(link)
            _link(link, where / name)


def _needs_home(project: Project) -> bool:
    """As root: the server's OS user cannot enter `.pgprod/`, and nothing there is worth
    keeping (a failed `up` leaves empty folders and lock files; a cluster means the
    project was reachable once, and is not moved)."""
    if os.geteuid() != 0 or not any(e.embedded for e in project.config.envs.values()):
        return False
    if can_reach(project.config.os_user, project.state):
        return False
    return all(_holds_nothing(project.state / name) for name in MOVABLE)


def _home_behind(link: Path) -> Path | None:
    """The server home `.pgprod/clusters` leads into, if it is such a link."""
    if not link.is_symlink():
        return None
    target = Path(os.readlink(link))
    if target.name == "clusters" and (target.parent / home.BACK_LINK).is_symlink():
        return target.parent
    return None


def _holds_nothing(path: Path) -> bool:
    if path.is_symlink() or not path.exists():
        return True
    return all(f.endswith(".lock") for _, _, files in os.walk(path) for f in files)


def _clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        if not _holds_nothing(path):
            raise UsageError(f"{path} holds clusters or backups, but they belong in "
                             f"{path.parent / SERVER_HOME}",
                             "move its contents there, then run `pgprod init` again")
        shutil.rmtree(path)


def _link(link: Path, target: Path) -> None:
    """Point `link` at `target`, replacing an older link in one step."""
    tmp = link.with_name(f"{link.name}.tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


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
