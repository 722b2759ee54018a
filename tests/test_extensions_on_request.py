"""Extensions on request (`pgprod.cluster.trusted`): the agent creates pgvector in dev
with the statement an ORM or agent writes, and publish brings it to prod; what
`[extensions] allow` leaves out stays an administrator's."""

from __future__ import annotations

import psycopg
import pytest

from pgprod import commands
from tests.conftest import ProjectFactory

REFUSED = "permission denied to create extension"


def test_agent_creates_pgvector_in_dev_and_publish_brings_it_to_prod(
        new_project: ProjectFactory) -> None:
    project = new_project()
    dev, prod = commands.environment(project, "dev"), commands.environment(project, "prod")
    with dev.connect("agent") as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE EXTENSION earthdistance CASCADE")  # untrusted, needs cube
        conn.execute("CREATE TABLE items (id bigint PRIMARY KEY, embedding vector(3))")
        conn.execute("CREATE INDEX items_embedding ON items USING hnsw (embedding vector_l2_ops)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            conn.execute("CREATE EXTENSION pg_buffercache")  # not in the list
        (superuser,) = conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()  # type: ignore[misc]
        assert superuser is False

    review = commands.review(project)
    assert review.refused is None, review.refused
    commands.publish(project)
    with prod.connect("app") as conn:
        conn.execute("INSERT INTO items VALUES (1, '[1,2,3]'), (2, '[9,9,9]')")
        assert conn.execute(
            "SELECT id FROM items ORDER BY embedding <-> '[1,2,2]' LIMIT 1").fetchone() == (1,)
        assert conn.execute("SELECT indexdef LIKE '%hnsw%' FROM pg_indexes"
                            " WHERE indexname = 'items_embedding'").fetchone() == (True,)
    assert not commands.diff(project).changes()


def test_extensions_left_out_of_the_list_stay_an_administrators(
        new_project: ProjectFactory) -> None:
    project = new_project({"extensions": {"allow": "pg_trgm, citext"}}, up=("dev",))
    with commands.environment(project, "dev").connect("agent") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
            conn.execute("CREATE EXTENSION vector")
        conn.execute("CREATE EXTENSION pg_trgm")  # trusted by PostgreSQL itself
