"""The publish history's files: schemas as JSON; an old pickled schema converted once,
by an unpickler that builds nothing but the catalog model."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import psycopg
import pytest

from pgprod import catalog
from pgprod.catalog.serial import from_json
from pgprod.errors import UsageError
from pgprod.project import init as init_project
from pgprod.publish.history import History, Record

_EMPTY = from_json('{"format": 1, "catalog": {"server_version": 180000, '
                   + ", ".join(f'"{k}": {{}}' for k in (
                       "schemas", "extensions", "collations", "enums", "domains",
                       "composite_types", "range_types", "tables", "views",
                       "materialized_views", "sequences", "indexes", "constraints",
                       "triggers", "rules", "policies", "functions", "event_triggers",
                       "publications", "default_privileges"))
                   + ', "unmodelled": []}}')


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch /tmp/pgprod-pickle-ran",))


def test_an_old_pickled_schema_is_converted_and_a_tampered_one_refused(
        fresh_db: str, workdir: Path) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id int PRIMARY KEY, note text)")
        model = catalog.load(conn)
    project, _ = init_project(workdir, name="old")
    history = History(project)
    for name, payload in (("20260101-000000-aaaa", model), ("20260101-000000-bbbb", _Boom())):
        history.folder(name).mkdir(parents=True)
        (history.folder(name) / "before.catalog").write_bytes(pickle.dumps(payload))
    assert history.before("20260101-000000-aaaa") == model
    assert not (history.folder("20260101-000000-aaaa") / "before.catalog").exists()
    assert (history.folder("20260101-000000-aaaa") / "before.json").is_file()
    with pytest.raises(UsageError) as refused:
        history.before("20260101-000000-bbbb")
    assert str(refused.value).startswith(
        "publish 20260101-000000-bbbb's schema before cannot be read (posix.system is not "
        "part of a stored schema)")
    assert "pgprod rollback 20260101-000000-bbbb --restore" in str(refused.value)
    assert not Path("/tmp/pgprod-pickle-ran").exists()


def test_records_of_the_same_second_keep_their_order(workdir: Path) -> None:
    """Ids sort by the second, then by a random part: history orders by start time."""
    project, _ = init_project(workdir, name="order")
    history = History(project)
    for rid, started in (("20260101-000000-ffff", "2026-01-01T00:00:00.100+00:00"),
                         ("20260101-000000-0000", "2026-01-01T00:00:00.200+00:00")):
        record = Record(id=rid, who="me", started=started, fingerprint="", steps=[],
                        plan={})
        history.create(record, "", _EMPTY, _EMPTY)
    assert [r.id for r in history.records()] == ["20260101-000000-ffff",
                                                 "20260101-000000-0000"]
