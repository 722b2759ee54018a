"""Masked previews: `[preview.mask]` rules, `preview create --masked` on a real copy of
prod (no original value left in the tables nor in the copy's files, joins and unique
indexes intact, prod untouched), and `preview mask --suggest`."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgprod import backups, cli, commands, preview
from pgprod.errors import ConfigError, UsageError
from pgprod.preview import mask
from pgprod.project import Project, find
from tests.conftest import ProjectFactory
from tests.test_command_layer import documented, same_shape

DOMAIN = "corp-mask-test.com"  # every original email's domain: bytes to look for
SURNAME = "Quirrelbaum"  # every original name's
PHONE = "7946 0958"  # every original phone number's
RULES = """
[preview.mask]
"public.users.email" = "email"
"users.name" = "name"
"public.users.phone" = "null"
"public.orders.user_email" = "email"
"""


@pytest.mark.parametrize(("table", "rules"), [
    ({"public.users.email": "email", "users.name": "name", '"Odd"."Ta.ble".col': "hash",
      "t.c": "null", "t.k": {"constant": 7}, "t.d": {"sql": "date_trunc('year', d)"}},
     [mask.Rule("public", "users", "email", "email"),
      mask.Rule("public", "users", "name", "name"),
      mask.Rule("Odd", "Ta.ble", "col", "hash"), mask.Rule("public", "t", "c", "null"),
      mask.Rule("public", "t", "k", "constant", "7"),
      mask.Rule("public", "t", "d", "sql", "date_trunc('year', d)")]),
])
def test_rules_read_from_the_config_table(table: dict[str, Any],
                                          rules: list[mask.Rule]) -> None:
    found = mask.rules(table)
    assert list(found) == rules
    # each rule's line for pgprod.toml reads back as the same rule
    text = "\n".join(r.toml() for r in found)
    assert mask.rules(tomllib.loads(text)) == found


@pytest.mark.parametrize(("table", "message"), [
    ({"users.email": "fake"}, '"users.email" has an unknown rule "fake": a rule is "email"'),
    ({"email": "email"}, '"email" is not a column: name it schema.table.column'),
    ({"a.b.c.d": "hash"}, "is not a column"),
    ({"public": {"users": {"email": "email"}}}, '"public" is a table, not a rule'),
    ({"t.c": {"constant": "x", "sql": "y"}}, '"t.c" is not a rule'),
    ({"t.c": {"sql": " "}}, '"t.c" is not a rule'),
    ({"t.c": 3}, '"t.c" is not a rule: 3'),
    ({"t.c": "null", "public.t.c": "hash"}, "masks the column public.t.c a second time"),
])
def test_a_bad_rule_is_one_line_with_a_hint(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        mask.rules(table, Path("pgprod.toml"))
    assert message in str(failure.value)
    assert str(failure.value).startswith("pgprod.toml: [preview.mask] ")
    assert failure.value.hint and "\n" not in str(failure.value)


def test_the_config_accepts_a_mask_table_only(tmp_path: Path) -> None:
    from pgprod import config

    path = tmp_path / "pgprod.toml"
    ports = "[dev]\nport = 1\n[prod]\nport = 2\n"
    path.write_text(ports + '[preview]\ntest = "true"' + RULES)
    assert dict(config.load(path, environ={}).preview_mask) == {
        "public.users.email": "email", "users.name": "name", "public.users.phone": "null",
        "public.orders.user_email": "email"}
    path.write_text(ports + '[preview]\nmask = "email"\n')
    with pytest.raises(ConfigError, match=r"\[preview\] mask must be a table"):
        config.load(path, environ={})


def _sql(project: Project, text: str, env: str = "prod", role: str = "owner") -> Any:
    with commands.environment(project, env).connect(role) as conn:
        cursor = conn.execute(text.encode())
        return cursor.fetchall() if cursor.description else None


def _users(first: int, last: int) -> str:
    """Rows of users and their orders: emails, names and phones that appear nowhere else."""
    return (f"INSERT INTO users SELECT g, 'u' || g || '@{DOMAIN}', 'Ann{SURNAME}' || g,"
            f" '+44 20 ' || g || ' {PHONE}' FROM generate_series({first}, {last}) g;"
            f"INSERT INTO orders SELECT g, 'u' || (g % {last - first + 1} + {first}) || "
            f"'@{DOMAIN}', g FROM generate_series({first * 3}, {last * 3 + 2}) g")


def _files_holding(root: Path, needles: list[bytes]) -> dict[str, list[str]]:
    """The files under `root` whose bytes contain one of `needles` (read as root)."""
    found: dict[str, list[str]] = {}
    for directory, _, files in os.walk(root):
        for name in files:
            path = Path(directory, name)
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for needle in needles:
                if needle in data:
                    found.setdefault(needle.decode(), []).append(str(path.relative_to(root)))
    return found


def test_a_masked_preview_holds_no_original_value(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project()
    _sql(project, "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL,"
                  " name text, phone text);"
                  "CREATE TABLE orders (id int PRIMARY KEY,"
                  " user_email text NOT NULL REFERENCES users (email), total int);"
                  "CREATE INDEX orders_user_email ON orders (user_email);"
                  "CREATE MATERIALIZED VIEW big_spenders AS SELECT u.email, u.name,"
                  " sum(o.total) AS spent FROM users u JOIN orders o ON o.user_email = u.email"
                  " GROUP BY 1, 2;"
                  # small statistics: not compressed, so their bytes can be looked for
                  "ALTER TABLE users ALTER email SET STATISTICS 5, ALTER name SET"
                  " STATISTICS 5, ALTER phone SET STATISTICS 5;"
                  "ALTER TABLE orders ALTER user_email SET STATISTICS 5;"
                  "ALTER MATERIALIZED VIEW big_spenders ALTER email SET STATISTICS 5,"
                  " ALTER name SET STATISTICS 5;" + _users(1, 300) + "; ANALYZE")
    backups.take_backup(project)
    # rows after the base backup: in the WAL the copy replays, not in the backup's files
    _sql(project, _users(301, 400) + "; UPDATE users SET name = name || 'x' WHERE id <= 20;"
                  "REFRESH MATERIALIZED VIEW big_spenders; ANALYZE")

    # suggestions, from prod as the readonly role: email, name and phone columns
    suggested = commands.preview_mask_suggest(project)
    lines = {s.rule.target: s.rule.toml() for s in suggested.suggestions}
    assert lines["public.users.email"] == '"public.users.email" = "email"'
    assert lines["public.users.name"] == '"public.users.name" = "name"'
    assert lines["public.users.phone"] == '"public.users.phone" = "phone"'
    assert lines["public.orders.user_email"] == '"public.orders.user_email" = "email"'
    assert "public.orders.total" not in lines and "public.users.id" not in lines
    shown = commands.to_dict(suggested)
    assert same_shape(shown, documented()["pgprod preview mask --suggest --json"]) == []

    # --masked without rules is refused before anything is copied
    with pytest.raises(UsageError, match=r"add them under \[preview\.mask\].*--suggest"):
        preview.create(project, "none", masked=True)
    assert not project.cluster_dir("preview-none").exists()

    toml = project.root / "pgprod.toml"
    toml.write_text(toml.read_text() + RULES)
    project = find(project.root)
    original = _sql(project, "SELECT count(*), count(DISTINCT email) FROM users", "prod")
    assert cli.main(["--project", str(project.root), "preview", "create", "masked",
                     "--masked"]) == 0
    assert ", masked, ready in " in capsys.readouterr().out
    made = commands.preview_list(project)[0]
    assert made.preview.masked and commands.to_dict(made)["masked"] is True

    # the app's role reads masked values only, and the joins still match
    def on_preview(text: str) -> Any:
        return _sql(project, text, "preview-masked", "app")

    assert on_preview(f"SELECT count(*) FROM users WHERE email LIKE '%{DOMAIN}%' OR name "
                      f"LIKE '%{SURNAME}%' OR phone IS NOT NULL") == [(0,)]
    emails = on_preview("SELECT email FROM users")
    assert all(re.fullmatch(r"user_[0-9a-f]{16}@example\.invalid", e) for (e,) in emails)
    assert on_preview("SELECT count(*), count(DISTINCT email) FROM users") == original
    names = on_preview("SELECT DISTINCT name FROM users WHERE name IS NOT NULL")
    assert len(names) > 100 and all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", n)
                                    for (n,) in names)
    assert on_preview("SELECT count(*) FROM orders o JOIN users u ON u.email = o.user_email"
                      ) == on_preview("SELECT count(*) FROM orders") == [(1200,)]
    assert on_preview("SELECT count(*) FROM big_spenders WHERE email LIKE 'user_%'") == [
        (400,)]
    with pytest.raises(psycopg.errors.UniqueViolation):  # the unique index holds
        on_preview("INSERT INTO users (id, email) SELECT 9999, email FROM users LIMIT 1")
    assert _sql(project, "SELECT count(*) FROM users WHERE email LIKE '%@" + DOMAIN + "'"
                ) == [(400,)]  # prod is untouched

    # nothing of the originals in the copy's files: tables, indexes, statistics, WAL;
    # and the key in none of its files or logs
    needles = [DOMAIN.encode(), SURNAME.encode(), PHONE.encode()]
    assert _files_holding(project.cluster_dir("prod") / "data", needles)  # the scan works
    data = made.preview.root / "data"
    assert _files_holding(data, needles) == {}
    secret = mask.key(project).encode()
    assert _files_holding(made.preview.root, [secret]) == {}
    assert oct((project.state / mask.KEY_FILE).stat().st_mode & 0o777) == "0o600"

    listed = [commands.to_dict(i) for i in commands.preview_list(project)]
    assert [p["masked"] for p in listed] == [True]
    assert same_shape(listed, documented()["pgprod preview list --json"]) == []


def test_rules_that_cannot_hold_are_refused_before_masking(
        new_project: ProjectFactory) -> None:
    """Checked against the schema (read-only): a foreign key masked on one side only, a
    non-distinct rule on a unique column, null on NOT NULL, text rules on other types."""
    project = new_project(up=("prod",))
    _sql(project, "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL,"
                  " name text UNIQUE, born date);"
                  "CREATE TABLE orders (id int, user_email text REFERENCES users (email));"
                  "CREATE TABLE events (id int, ip inet) PARTITION BY RANGE (id);"
                  "CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (10)")
    cases = [
        ({"users.email": "email"}, 'foreign key orders_user_email_fkey joins '
         'public.users.email and public.orders.user_email: mask both with the same rule: '
         'add "public.orders.user_email" = "email" to [preview.mask]'),
        ({"users.email": "email", "orders.user_email": "hash"}, "mask both with the same"),
        ({"users.name": "name"}, 'public.users.name is in unique index users_name_key: '
         'rule name would give rows the same value'),
        ({"users.email": "null", "orders.user_email": "null"},
         "public.users.email is NOT NULL: it cannot be masked with null"),
        ({"users.born": "email"}, "public.users.born is date: rule email makes text"),
        ({"users.nope": "hash"}, "no table column public.users.nope to mask"),
        ({"events.ip": "null", "events_1.ip": "null"},
         "both mask the rows of public.events_1: keep the rule of the parent table"),
    ]
    with commands.environment(project, "prod").connect("readonly") as conn:
        for table, message in cases:
            with pytest.raises(mask.MaskRefused) as refused:
                mask.check(conn, mask.rules(table))
            assert message in str(refused.value), table
        # a child masked with null keeps its foreign key valid; both sides alike too
        mask.check(conn, mask.rules({"orders.user_email": "null"}))
        mask.check(conn, mask.rules({"users.email": "hash", "orders.user_email": "hash"}))
        plan = mask.check(conn, mask.rules({"events.ip": "null"}))  # partitions included
        assert [t.name for t in plan.tree] == ["events", "events_1"]


def test_suggestions_by_type_and_content(new_project: ProjectFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project(up=("prod",))
    _sql(project, "CREATE TABLE visits (id int PRIMARY KEY, seen_from inet NOT NULL,"
                  " contact text, mobile_no text, birth_date date, notes text);"
                  "INSERT INTO visits SELECT g, '10.0.0.1', 'p' || g || '@mail.example.org',"
                  " '+1 (555) 010-' || lpad(g::text, 4, '0'), '1990-01-01', 'fine'"
                  " FROM generate_series(1, 50) g")
    found = {s.rule.target: s for s in commands.preview_mask_suggest(project).suggestions}
    assert found["public.visits.seen_from"].rule.value == {"constant": "192.0.2.1"}
    assert "inet" in found["public.visits.seen_from"].reason
    assert found["public.visits.contact"].rule.kind == "email"
    assert "50 of 50 sampled values look like email addresses" in found[
        "public.visits.contact"].reason
    assert found["public.visits.mobile_no"].rule.kind == "phone"
    assert found["public.visits.birth_date"].rule.value == {
        "sql": "date_trunc('year', birth_date)::date"}
    assert "public.visits.notes" not in found and "public.visits.id" not in found

    assert cli.main(["--project", str(project.root), "preview", "mask", "--suggest"]) == 0
    out = capsys.readouterr().out
    pasted = tomllib.loads(out)["preview"]["mask"]
    assert pasted["public.visits.contact"] == "email"
    assert mask.rules(pasted)  # ready to use as it is
    assert cli.main(["--project", str(project.root), "preview", "mask", "--suggest",
                     "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"column": "public.visits.contact", "type": "text", "rule": "email"}.items() <= (
        next(s for s in shown["suggestions"] if s["column"] == "public.visits.contact")
        .items())
