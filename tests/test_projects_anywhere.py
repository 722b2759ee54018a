"""Projects anywhere: as root, a project the server's OS user cannot enter keeps its
clusters and prod's backups in a server home it can reach (`pgprod.cluster.home`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgprod.cluster import home
from pgprod.cluster.osuser import can_reach
from pgprod.project import SERVER_HOME, Project, find
from pgprod.project import init as init_project
from tests.conftest import TEST_ROOT

AS_ROOT = os.geteuid() == 0
# Server homes and a server user other than the caller exist only when pgprod runs as
# root. Elsewhere those tests skip; in CI (which runs as root) they must run: a CI
# that is not root fails them rather than skipping.
SKIP_ROOT_ONLY = not AS_ROOT and not os.environ.get("CI")


def pgprod(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "pgprod", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=180)


@pytest.fixture
def private() -> Iterator[Path]:
    """A mode-700 directory (like root's home or `mktemp -d`), inside one the server's
    OS user can reach; projects made in it are stopped and their server homes removed."""
    TEST_ROOT.mkdir(mode=0o711, exist_ok=True)
    outer = Path(os.path.realpath(TEST_ROOT)) / f"anywhere-{os.getpid()}-{os.urandom(3).hex()}"
    outer.mkdir(mode=0o711)
    os.chmod(outer, 0o711)
    inner = outer / "private"
    inner.mkdir(mode=0o700)
    try:
        yield inner
    finally:
        for config in inner.glob("*/pgprod.toml"):
            pgprod("down", cwd=config.parent)
            where = find(config.parent, environ={}).server_home
            if where is not None:
                shutil.rmtree(where, ignore_errors=True)
        shutil.rmtree(outer, ignore_errors=True)


@pytest.mark.skipif(SKIP_ROOT_ONLY, reason="as another user, servers run as that user")
def test_init_up_sql_down_in_a_directory_the_server_user_cannot_enter(private: Path) -> None:
    assert not can_reach("pgprod", private)
    done = pgprod("init", "myapp", cwd=private)
    assert done.returncode == 0, done.stderr
    project = find(private / "myapp", environ={})
    where = project.server_home
    assert where is not None and where.parent in home.ROOTS
    assert where.name.startswith("myapp-")
    assert can_reach(project.config.os_user, where)
    # the record and the pointers in .pgprod/
    assert (project.state / SERVER_HOME).is_symlink()
    assert os.readlink(project.state / "clusters") == str(where / "clusters")
    assert os.readlink(project.state / "backups") == str(where / "backups")
    assert os.readlink(where / home.BACK_LINK) == str(project.root)
    assert project.cluster_dir("dev") == where / "clusters" / "dev"
    assert project.backups_dir("prod") == where / "backups" / "prod"

    done = pgprod("up", "dev", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert "dev: started (initialised)" in done.stdout
    data = where / "clusters" / "dev" / "data"
    assert (data / "PG_VERSION").is_file()
    assert data.parent.stat().st_uid != 0  # the server's OS user's, mode 700
    assert data.parent.stat().st_mode & 0o777 == 0o700

    done = pgprod("sql", "dev", "select 1 as one", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["one", "1"]

    done = pgprod("down", "dev", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert "dev: stopped" in done.stdout

    # init again finds the same home; a second project gets its own
    assert pgprod("init", cwd=project.root).returncode == 0
    assert find(project.root, environ={}).server_home == where
    assert pgprod("init", "other", cwd=private).returncode == 0
    other = find(private / "other", environ={}).server_home
    assert other is not None and other != where


@pytest.mark.skipif(SKIP_ROOT_ONLY, reason="as another user, servers run as that user")
def test_a_project_made_before_it_moves_on_init_again(private: Path) -> None:
    """A project whose `up` failed for want of a `chmod` (an older pgprod's) is told to
    run `init` again, which moves its empty state to a server home; then `up` works."""
    project, _ = init_project(private / "older")
    _as_older_pgprod_left_it(project)
    done = pgprod("up", "dev", cwd=project.root)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: OS user 'pgprod' cannot access {private}: ")
    assert "run `pgprod init` in the project again" in done.stderr
    assert "Traceback" not in done.stderr

    assert pgprod("init", cwd=project.root).returncode == 0
    project = find(project.root, environ={})
    assert project.server_home is not None
    assert not (project.server_home / "clusters" / "dev").exists()
    done = pgprod("up", "dev", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert (project.cluster_dir("dev") / "data" / "PG_VERSION").is_file()


def _as_older_pgprod_left_it(project: Project) -> None:
    """What `init` made before server homes: real folders in .pgprod/, no record."""
    where = project.server_home
    assert where is not None
    for name in ("clusters", "backups", SERVER_HOME):
        (project.state / name).unlink()
    shutil.rmtree(where)
    (project.state / "clusters").mkdir(mode=0o711)
    os.chmod(project.state / "clusters", 0o711)


def test_a_reachable_project_keeps_its_clusters_in_its_state_folder(workdir: Path) -> None:
    project, _ = init_project(workdir / "app")
    assert project.server_home is None
    assert not (project.state / "clusters").is_symlink()
    assert project.cluster_dir("dev") == project.state / "clusters" / "dev"
    assert project.backups_dir("prod") == project.state / "backups" / "prod"


@pytest.mark.skipif(SKIP_ROOT_ONLY, reason="only root makes server homes")
def test_a_home_goes_to_the_first_root_the_server_user_can_reach(workdir: Path) -> None:
    blocked = workdir / "blocked"
    blocked.mkdir(mode=0o700)
    roots = (blocked / "projects", workdir / "open" / "projects")
    where = home.create("my app!", "pgprod", roots)
    assert where.parent == roots[1]
    assert where.name.startswith("my-app-") and len(where.name) == len("my-app-") + 8
    assert where.stat().st_mode & 0o777 == 0o711
    assert roots[1].stat().st_mode & 0o777 == 0o711  # the homes' names are root's to list
    assert (workdir / "open").stat().st_mode & 0o777 == 0o755
    assert not list(blocked.iterdir())


@pytest.mark.skipif(SKIP_ROOT_ONLY, reason="only root makes server homes")
def test_init_again_repairs_the_record_and_the_links(private: Path) -> None:
    project, _ = init_project(private / "app")
    where = project.server_home
    assert where is not None
    (project.state / SERVER_HOME).unlink()  # found again through .pgprod/clusters
    (project.state / "backups").unlink()
    init_project(project.root)
    assert project.server_home == where
    assert os.readlink(project.state / "backups") == str(where / "backups")
    shutil.rmtree(where)  # removed by hand: made again, empty, in the same place
    init_project(project.root)
    assert (where / "clusters").is_dir() and (where / home.BACK_LINK).is_symlink()


@pytest.mark.skipif(SKIP_ROOT_ONLY, reason="only root makes server homes")
def test_homes_of_deleted_projects_are_found(workdir: Path) -> None:
    roots = (workdir / "projects",)
    kept, gone = (home.create(n, "pgprod", roots) for n in ("kept", "gone"))
    for where in (kept, gone):
        (workdir / where.name).mkdir()
        os.symlink(workdir / where.name, where / home.BACK_LINK)
    shutil.rmtree(workdir / gone.name)
    assert home.orphans(roots) == [gone]
