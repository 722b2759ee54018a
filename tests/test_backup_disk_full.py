"""A base backup onto a full disk says the disk is full, how much it needed and what to
do: refused before it starts when even a small estimate does not fit, and recognised
when the disk fills up while it runs. The disk is a real small filesystem (a tmpfs
mounted over the base backups' folder), which takes root, as CI runs."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgprod import backups, cli, commands
from pgprod.backups.store import Store
from pgprod.project import Project
from tests.conftest import ProjectFactory

# only root mounts filesystems; elsewhere these skip, but CI (which runs as root) must run them
SKIP_ROOT_ONLY = os.geteuid() != 0 and not os.environ.get("CI")
pytestmark = pytest.mark.skipif(SKIP_ROOT_ONLY, reason="mounting a small filesystem takes root")


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[None]:
    """`path` on a tmpfs of `size` (mode 700, like the folder it covers), unmounted after."""
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                    str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


def _base_dir(project: Project) -> Path:
    store = Store(project)
    store.make_dirs()
    return store.base


def test_a_disk_that_fills_up_during_the_backup_is_named_full(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project(up=("prod",))
    base = _base_dir(project)
    # a fresh cluster: about 30 MB of databases, 3.7 MB as a backup (zstd); 2 MB do not
    # hold it, but are more than a fiftieth of its databases, so the backup starts
    with small_disk(base, "2m"):
        with pytest.raises(backups.BackupFailed) as failed:
            backups.take_backup(project)
        assert isinstance(failed.value, backups.BackupDiskFull)
        message = str(failed.value)
        assert re.search(r"^base backup failed at pg_basebackup: the disk is full \(no space "
                         rf"left on device in {re.escape(str(base))} after \d\.\d MB "
                         r"written\): about ", message)
        assert "needed (prod's databases take " in message
        assert "MB uncompressed), 2.0 MB free before it started" in message
        assert "nothing was kept; free space on that filesystem" in message
        assert "exit -13" not in message
        assert list(base.iterdir()) == []  # nothing was kept
        assert failed.value.written is not None and failed.value.written > 1 << 20
        assert failed.value.needed > failed.value.free

        code = cli.main(["--project", str(project.root), "backup"])
        err = capsys.readouterr().err
        assert code == 1 and "the disk is full" in err and "free space" in err
        assert list(base.iterdir()) == []
        assert commands.listing(project).base_backups == ()
    # with room again, the same backup works, and it records prod's databases' size
    taken = backups.take_backup(project)
    assert taken.database_bytes is not None and taken.database_bytes > taken.size_bytes


def test_a_backup_that_clearly_does_not_fit_is_refused_before_it_starts(
        new_project: ProjectFactory) -> None:
    project = new_project(up=("prod",))
    commands.sql(project, "prod", "CREATE TABLE big (id int, v text)", role="owner")
    commands.sql(project, "prod", "INSERT INTO big SELECT g, md5(g::text) || repeat('x', 100)"
                 " FROM generate_series(1, 300000) g", role="app")
    base = _base_dir(project)
    with small_disk(base, "1m"), pytest.raises(backups.BackupDiskFull) as refused:
        backups.take_backup(project)
    error = refused.value
    assert error.written is None and error.free <= 1 << 20
    assert error.database_bytes > 50 * error.free  # clearly: a fiftieth does not fit
    assert str(error).startswith(
        f"base backup failed at checking free space: not enough disk space in {base}: "
        "about ")
    assert "1.0 MB free" in str(error)
    # nothing ran: no backup started on prod (its history file would be archived)
    assert not list(Store(project).wal.glob("*.backup.gz"))
