"""Catalogs stored before foreign data was modelled: read back with none when they had
none, refused when they listed some as unmodelled (it would look dropped)."""

from __future__ import annotations

import json

import pytest

from pgprod.catalog import serial
from tests.catalog.support import load_url, run_script

FOREIGN = ("foreign_data_wrappers", "foreign_servers", "user_mappings", "foreign_tables")


def _as_stored_before(text: str, unmodelled: list[dict[str, str]]) -> str:
    data = json.loads(text)
    for name in FOREIGN:
        del data["catalog"][name]
    data["catalog"]["unmodelled"] = unmodelled
    return json.dumps(data)


def test_old_catalogs_read_back_only_without_foreign_data(fresh_db: str) -> None:
    run_script(fresh_db, """
        CREATE FOREIGN DATA WRAPPER w;
        CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host 'h');
        CREATE FOREIGN TABLE public.remote (id int) SERVER s;
        """)
    loaded = load_url(fresh_db)
    assert serial.from_json(serial.to_json(loaded)) == loaded
    assert list(loaded.foreign_tables) == ["public.remote"]
    text = serial.to_json(loaded)
    none = serial.from_json(_as_stored_before(text, []))
    assert all(not getattr(none, name) for name in FOREIGN)
    with pytest.raises(serial.CatalogFileError, match="foreign server, foreign table"):
        serial.from_json(_as_stored_before(text, [
            {"kind": "foreign table", "name": "public.remote"},
            {"kind": "foreign server", "name": "s"}]))


def test_old_catalogs_listing_kinds_modelled_since_are_refused(fresh_db: str) -> None:
    """Subscriptions and foreign tables in inheritance were listed as unmodelled once."""
    text = serial.to_json(load_url(fresh_db))
    data = json.loads(text)
    del data["catalog"]["subscriptions"]
    assert not serial.from_json(json.dumps(data)).subscriptions
    for kind, said in (("subscription", "subscriptions"),
                       ("foreign table in inheritance", "foreign tables in inheritance")):
        data["catalog"]["unmodelled"] = [{"kind": kind, "name": "x"}]
        with pytest.raises(serial.CatalogFileError, match=said):
            serial.from_json(json.dumps(data))


def test_pg_stat_statements_of_an_older_catalog_is_left_out(fresh_db: str) -> None:
    """Catalogs stored before pg_stat_statements was left out (it is pgprod's, or a
    managed service's) read back without it, as today's are loaded."""
    run_script(fresh_db, "CREATE EXTENSION citext; CREATE EXTENSION pg_stat_statements")
    loaded = load_url(fresh_db)
    assert set(loaded.extensions) == {"citext", "plpgsql"}
    data = json.loads(serial.to_json(loaded))
    data["catalog"]["extensions"]["pg_stat_statements"] = {
        "key": "pg_stat_statements", "name": "pg_stat_statements", "schema": "public",
        "version": "1.10", "comment": None}
    assert serial.from_json(json.dumps(data)) == loaded
