"""A first `pgprod up` interrupted anywhere (Ctrl-C, or pgprod killed) is completed or
redone by the next one; two at once are told apart; Ctrl-C ends with one line.

The real command runs in a subprocess; the test watches the cluster's files to find
the moment to interrupt it (initdb running, data directory in place, server starting,
server ready and provisioning)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pgprod import commands
from pgprod.cluster import Cluster, EnvironmentBusy
from pgprod.project import Project
from tests.conftest import ProjectFactory

Point = Callable[[Cluster], bool]


def _pid_status(cluster: Cluster) -> str:
    try:
        lines = (cluster.data / "postmaster.pid").read_text().split("\n")
    except FileNotFoundError:
        return ""
    return lines[7].strip() if len(lines) > 7 else ""


POINTS: dict[str, Point] = {
    "initdb": lambda c: (c.partial / "PG_VERSION").exists(),
    "configuration": lambda c: (c.data / "PG_VERSION").exists(),
    "start": lambda c: (c.data / "postmaster.pid").exists(),
    "provisioning": lambda c: _pid_status(c) == "ready",
}


def _start_up(project: Project, env: str = "dev") -> subprocess.Popen[str]:
    """`pgprod up ENV` as a user runs it, in its own process group (a terminal's
    foreground job: Ctrl-C signals the whole group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "up", env],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(process: subprocess.Popen[str], reached: Callable[[], bool],
              timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not reached():
        assert process.poll() is None, f"`up` ended before the point: {process.communicate()}"
        assert time.monotonic() < deadline, "the point was not reached"
        time.sleep(0.002)


def _assert_usable(project: Project) -> None:
    """dev runs on its own port, no Unix socket, and the project's roles work."""
    env = commands.environment(project, "dev")
    with env.connect("app") as conn:
        conn.execute("CREATE TABLE notes (id int)")
        conn.execute("INSERT INTO notes VALUES (1)")
    with env.connect_admin() as conn:
        assert conn.execute("SHOW port").fetchone() == (str(env.config.port),)
        assert conn.execute("SHOW unix_socket_directories").fetchone() == ("",)
    with env.connect("readonly") as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone() == (1,)
    with env.connect("agent") as conn:
        assert conn.execute("SELECT session_user, current_user").fetchone() == ("agent", "owner")
    assert not env.cluster().partial.exists()


@pytest.mark.parametrize("point", list(POINTS))
@pytest.mark.parametrize("how", ["ctrl-c", "sigkill"])
def test_interrupted_first_up_is_completed_by_the_next(
        new_project: ProjectFactory, point: str, how: str) -> None:
    project = new_project(up=())
    cluster = commands.environment(project, "dev").cluster()
    process = _start_up(project)
    try:
        _wait_for(process, lambda: POINTS[point](cluster))
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.kill()  # pgprod alone: what it started runs on, orphaned
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    if how == "ctrl-c":
        assert "Traceback" not in err
        if process.returncode != 0:  # 0: it had just finished
            assert process.returncode == 130
            assert err.strip().startswith("interrupted: "), err

    (result,) = commands.up(project, ["dev"])  # at once: orphans may still be at work
    assert result.env == "dev"
    _assert_usable(project)
    assert commands.up(project, ["dev"])[0].started is False


def test_an_unfinished_data_directory_of_an_older_pgprod_is_set_aside(
        new_project: ProjectFactory) -> None:
    """Older versions ran initdb into data/ directly: an interrupted one left a data
    directory without pgprod's settings, on which the server listened on port 5432."""
    project = new_project(up=("dev",))
    env = commands.environment(project, "dev")
    cluster = env.cluster()
    commands.down(project, ["dev"])
    conf = cluster.data / "postgresql.conf"
    conf.write_text(conf.read_text().replace("include_if_exists = 'pgprod.conf'", ""))
    (cluster.data / "pgprod.conf").unlink()

    (result,) = commands.up(project, ["dev"])
    assert result.initialized and result.started
    assert (cluster.root / "data.unfinished" / "PG_VERSION").is_file(), "kept, not deleted"
    _assert_usable(project)


def test_a_second_up_says_another_is_running(new_project: ProjectFactory) -> None:
    """While another process holds dev's lock (as a slow `up` would), `up` and `down`
    on the command line stop at once with one line naming it; then, while a real first
    `up` runs, the second is told apart (EnvironmentBusy with its pid) and the first
    completes."""
    project = new_project(up=())
    cluster = commands.environment(project, "dev").cluster()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from pgprod.cluster import lock\n"
         "with lock.hold(Path(sys.argv[1]), 'dev', 'up'): print('held', flush=True); "
         "time.sleep(60)", str(cluster.lock_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        for command in ("up", "down"):
            done = subprocess.run(
                [sys.executable, "-m", "pgprod", "--project", str(project.root), command,
                 "dev"], capture_output=True, text=True, timeout=60)
            assert done.returncode == 1
            assert done.stderr == ("error: another `pgprod up` is starting dev (pid "
                                   f"{holder.pid}); wait for it\n"), done.stderr
    finally:
        holder.kill()
        holder.wait()
    assert not cluster.initialized(), "refused before anything was done"

    process = _start_up(project)
    try:
        _wait_for(process, lambda: cluster.partial.exists())
        message = f"another `pgprod up` is starting dev (pid {process.pid}); wait for it"
        with pytest.raises(EnvironmentBusy) as busy:
            commands.up(project, ["dev"])
        assert str(busy.value).startswith(message)
        assert busy.value.pid == process.pid
        with pytest.raises(EnvironmentBusy, match="is starting dev"):
            commands.down(project, ["dev"])
        assert process.wait(60) == 0  # the lock released by the holder: up initializes
    finally:
        if process.poll() is None:
            process.kill()
    assert cluster.busy() is None
    assert cluster.initialized()
    assert commands.up(project, ["dev"])[0].started is False
    _assert_usable(project)


def test_the_lock_is_reentrant_and_released(tmp_path: Path) -> None:
    from pgprod.cluster import lock

    path = tmp_path / "dev.lock"
    with lock.hold(path, "dev", "promote"), lock.hold(path, "dev", "up"):
        assert lock.holder(path) is None, "its own process does not count"
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from pgprod.cluster import lock; print(lock.holder(Path(sys.argv[1])))",
             str(path)], capture_output=True, text=True, check=True)
        assert child.stdout.strip() == f"({os.getpid()}, 'promote')"
    assert lock.holder(path) is None
    with lock.hold(path, "dev", "down"):  # free again
        pass

