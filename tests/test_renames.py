"""Rename candidates on real catalogs: one suggestion per object, and suggested answers
that the `--rename` parser reads back to the same rename, whatever the names."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pgprod import catalog
from pgprod.diff import diff, parse_answers
from pgprod.diff.renames import RenameCandidate, Renames
from pgprod.errors import UsageError
from pgprod.project import Project
from tests.conftest import scratch_database

Catalogs = tuple[catalog.Catalog, catalog.Catalog]


class Two:
    def __init__(self, prod: str, dev: str) -> None:
        self.urls = (prod, dev)

    def load(self, prod: str, dev: str) -> Catalogs:
        loaded = []
        for url, schema in zip(self.urls, (prod, dev), strict=True):
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(schema.encode())
                loaded.append(catalog.load(conn))
        return loaded[0], loaded[1]


@pytest.fixture
def two(scratch_server: Project) -> Iterator[Two]:
    with scratch_database(scratch_server) as prod, scratch_database(scratch_server) as dev:
        yield Two(prod, dev)


def _ident(name: str) -> str:
    return sql.Identifier(name).as_string(None)


# names that need quoting: upper case, spaces, a dot, quotes, unicode, `=`, a keyword
NAMES = ["Users", "my table", "a.b", 'say "hi"', "Straße", "x=y", "from", "it's", " lead"]


@pytest.mark.parametrize("name", NAMES)
def test_suggested_answers_read_back_to_the_same_rename(two: Two, name: str) -> None:
    old_table, new_table = f"{name} old", f"{name} new"
    old_col, new_col = f"{name}.c", f"{name}=d"
    column_table = f"{name} t"
    source, target = two.load(
        f"CREATE TABLE {_ident(old_table)} (id int, other text); "
        f"CREATE TABLE {_ident(column_table)} (id int, {_ident(old_col)} date)",
        f"CREATE TABLE {_ident(new_table)} (id int, other text); "
        f"CREATE TABLE {_ident(column_table)} (id int, {_ident(new_col)} date)")
    table, column = diff(source, target).candidates
    assert (table.kind, table.old, table.new) == (
        "table", f"public.{_ident(old_table)}", f"public.{_ident(new_table)}")
    assert (column.kind, column.table, column.old, column.new) == (
        "column", f"public.{_ident(column_table)}", _ident(old_col), _ident(new_col))
    for candidate in (table, column):
        assert shlex.split(candidate.shell_answer) == [candidate.answer]
    assert parse_answers([table.answer], source, target) == Renames({table.old: table.new})
    assert parse_answers([column.answer], source, target) == Renames(
        {}, {(f"public.{_ident(column_table)}", column.old): column.new})
    migration = diff(source, target, parse_answers([table.answer, column.answer], source,
                                                   target))
    assert not migration.candidates
    assert [type(op).__name__ for op in migration.operations] == ["RenameTable",
                                                                  "RenameColumn"]


def test_plain_names_stay_plain() -> None:
    candidate = RenameCandidate("column", "public.users", "fullname", "name")
    assert candidate.answer == candidate.shell_answer == "public.users.fullname=name"
    table = RenameCandidate("table", None, "public.client", "public.customer")
    assert table.answer == "public.client=customer"


def test_an_equals_sign_outside_quotes_separates(two: Two) -> None:
    source, target = two.load('CREATE TABLE "a=b" (id int)', 'CREATE TABLE "c=d" (id int)')
    assert parse_answers(['public."a=b"="c=d"'], source, target) == Renames(
        {'public."a=b"': 'public."c=d"'})
    with pytest.raises(UsageError, match="cannot read rename"):
        parse_answers(['public."a=b"='], source, target)


def test_a_new_column_is_in_one_candidate_only(two: Two) -> None:
    source, target = two.load(
        "CREATE TABLE t (id int, nickname text, legacy text)",
        "CREATE TABLE t (id int, display_name text)")
    [candidate] = diff(source, target).candidates
    # same type; nickname stands where display_name stands
    assert (candidate.old, candidate.new) == ("nickname", "display_name")
    assert candidate.others == ("public.t.legacy -> public.t.display_name",)
    assert candidate.description == (
        "column public.t.nickname -> public.t.display_name "
        "(also possible: public.t.legacy -> public.t.display_name)")


def test_an_old_column_is_in_one_candidate_only(two: Two) -> None:
    source, target = two.load(
        "CREATE TABLE t (id int, label text, n int)",
        "CREATE TABLE t (id int, n int, title text, label_text text)")
    [candidate] = diff(source, target).candidates
    # neither stands where label stood: the closer name wins
    assert (candidate.old, candidate.new) == ("label", "label_text")
    assert candidate.others == ("public.t.label -> public.t.title",)


def test_several_pairs_are_matched_one_to_one(two: Two) -> None:
    source, target = two.load("CREATE TABLE t (id int, a text, b text)",
                              "CREATE TABLE t (id int, x text, y text)")
    found = diff(source, target).candidates
    assert [(c.old, c.new) for c in found] == [("a", "x"), ("b", "y")]
    assert len({c.old for c in found}) == len({c.new for c in found}) == 2


def test_a_new_table_is_in_one_candidate_only(two: Two) -> None:
    source, target = two.load(
        "CREATE TABLE client (id int, name text); CREATE TABLE old_client (id int, name text)",
        "CREATE TABLE clients (id int, name text)")
    [candidate] = diff(source, target).candidates
    assert (candidate.old, candidate.new) == ("public.client", "public.clients")
    assert candidate.others == ("public.old_client -> public.clients",)
