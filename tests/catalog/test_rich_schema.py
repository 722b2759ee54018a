"""Loading a schema that uses every modelled kind, with identifiers that need quoting."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pgprod.catalog import (
    Catalog,
    Column,
    Constraint,
    FrozenMap,
    Generated,
    Grant,
    Identity,
    NotNull,
    PublicationTable,
    SequenceOptions,
)

from .support import RICH_SCHEMA, load_url, run_script


@pytest.fixture
def rich(fresh_db: str) -> Catalog:
    run_script(fresh_db, RICH_SCHEMA)
    return load_url(fresh_db)


def test_schemas_extensions_and_collations(rich: Catalog) -> None:
    assert list(rich.schemas) == ['"My Schema"', "app", "public"]
    app = rich.schemas["app"]
    assert (app.name, app.owner, app.comment) == ("app", "postgres", "application")
    assert Grant("pg_read_all_data", "USAGE", False) in app.grants
    assert Grant("PUBLIC", "USAGE", False) in rich.schemas["public"].grants
    assert rich.extensions["hstore"].schema == "app"
    assert set(rich.extensions) == {"hstore", "plpgsql"}
    collation = rich.collations['app."C copy"']
    assert (collation.name, collation.provider, collation.lc_collate) == ("C copy", "libc", "C")
    assert collation.comment == "byte order"


def test_types(rich: Catalog) -> None:
    mood = rich.enums["app.mood"]
    assert mood.labels == ("sad", "ok", "happy")
    assert mood.comment == "how it feels"
    assert Grant("pg_read_all_data", "USAGE", False) in mood.grants

    posint = rich.domains["app.posint"]
    assert (posint.base_type, posint.default, posint.not_null) == ("integer", "1", True)
    assert list(posint.checks) == ['"below 1000"', "positive"]
    assert posint.checks["positive"].definition == "CHECK ((VALUE > 0))"
    assert posint.checks["positive"].comment == "strictly"
    assert not posint.checks['"below 1000"'].valid
    assert rich.domains["app.code"].collation == 'pg_catalog."C"'

    pair = rich.composite_types["app.pair"]
    assert list(pair.attributes) == ["x", '"Y val"']
    assert pair.attributes["x"].comment == "first"
    assert pair.attributes['"Y val"'].collation == 'pg_catalog."C"'

    floatrange = rich.range_types["app.floatrange"]
    assert (floatrange.subtype, floatrange.subtype_diff) == ("double precision", "float8mi")
    assert floatrange.multirange == "app.floatmultirange"


def test_table_and_columns(rich: Catalog) -> None:
    order = rich.tables['app."Order"']
    assert (order.schema, order.name, order.kind, order.comment) == (
        "app",
        "Order",
        "table",
        "orders",
    )
    assert (order.row_security, order.force_row_security) == (True, True)
    assert list(order.columns) == [
        "id",
        '"select"',
        '"naïve column"',
        "mood",
        "qty",
        "tags",
        "total",
        "doubled",
        "tripled",
        "created",
        "attrs",
    ]
    assert Grant("pg_read_all_data", "SELECT", True) in order.grants
    assert Grant("postgres", "INSERT", False) in order.grants

    cols = order.columns
    assert cols["id"].identity == Identity(
        kind="always",
        sequence='app."Order_id_seq"',
        options=SequenceOptions(
            data_type="bigint",
            start=100,
            increment=5,
            minimum=1,
            maximum=2**63 - 1,
            cache=1,
            cycle=False,
        ),
    )
    assert cols["id"].not_null == NotNull(name="Order_id_not_null", valid=True, no_inherit=False)
    selected = cols['"select"']
    assert (selected.name, selected.default, selected.comment) == (
        "select",
        "'x'::text",
        "a reserved word",
    )
    assert selected.grants == (Grant("pg_write_all_data", "UPDATE", False),)
    naive = cols['"naïve column"']
    assert (naive.collation, naive.storage, naive.options) == (
        'pg_catalog."C"',
        "external",
        ("n_distinct=10",),
    )
    assert cols["mood"].type == "app.mood"
    assert cols["qty"].type == "app.posint"
    assert cols["tags"].type == "text[]"
    assert cols["tags"].statistics == 500
    assert cols["total"].type == "numeric(10,2)"
    assert cols["doubled"].generated == Generated(
        kind="stored", expression="(total * (2)::numeric)"
    )
    assert cols["tripled"].generated == Generated(
        kind="virtual", expression="(total * (3)::numeric)"
    )
    # Pinned TimeZone/DateStyle: the same text whatever the session's settings.
    assert cols["created"].default == "'2024-01-01 12:00:00+00'::timestamp with time zone"
    assert cols["attrs"].type == "app.hstore"
    assert [c.position for c in cols.values()] == list(range(1, 12))


def test_other_tables(rich: Catalog) -> None:
    line = rich.tables["app.line"]
    assert line.columns["sku"].not_null == NotNull(name="sku_nn", valid=False, no_inherit=False)
    assert line.options == ("autovacuum_enabled=false", "fillfactor=70")
    assert (line.replica_identity, line.replica_identity_index) == ("index", "app.line_pk")

    events = rich.tables["app.events"]
    assert (events.kind, events.partition_key) == ("partitioned table", "RANGE (at)")
    part = rich.tables["app.events_2024"]
    assert part.partition_of == "app.events"
    assert part.partition_bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    assert rich.tables["app.events_default"].partition_bound == "DEFAULT"
    assert part.columns["id"].inherited and not part.columns["id"].local

    assert rich.tables["app.child"].inherits == ("app.base",)
    assert rich.tables["app.cache"].unlogged
    assert rich.tables["app.pairs"].of_type == "app.pair"

    odd = rich.tables['"My Schema"."Ta""ble ünï"']
    assert (odd.schema, odd.name) == ("My Schema", 'Ta"ble ünï')
    assert list(odd.columns) == ['"col with ""quotes"""', '"Ünïcödé"', '"user"', '"CamelCase"']
    assert odd.columns['"col with ""quotes"""'].name == 'col with "quotes"'


def test_constraints(rich: Catalog) -> None:
    cons = rich.constraints
    assert cons["app.line.line_order_id_fkey"] == Constraint(
        key="app.line.line_order_id_fkey",
        name="line_order_id_fkey",
        table="app.line",
        type="foreign key",
        definition=(
            'FOREIGN KEY (order_id) REFERENCES app."Order"(id) ON DELETE CASCADE '
            "DEFERRABLE INITIALLY DEFERRED"
        ),
        columns=("order_id",),
        deferrable=True,
        initially_deferred=True,
        valid=True,
        enforced=True,
        no_inherit=False,
        local=True,
        inherited=False,
        index=None,
        nulls_not_distinct=False,
        references='app."Order"',
        referenced_columns=("id",),
        on_update="no action",
        on_delete="cascade",
        match="simple",
        comment=None,
    )
    full = cons["app.line.fk_full"]
    assert (full.match, full.on_update, full.valid) == ("full", "restrict", False)
    assert cons["app.line.line_pk"].columns == ("order_id", "n")
    assert cons["app.line.line_pk"].index == "app.line_pk"
    assert cons["app.line.sku_uniq"].nulls_not_distinct
    assert cons["app.line.sku_uniq"].definition == "UNIQUE NULLS NOT DISTINCT (sku)"
    assert cons["app.line.n_pos"].no_inherit
    assert cons["app.line.n_pos"].definition == "CHECK ((n > 0)) NO INHERIT"
    assert not cons["app.line.sku_len"].valid
    assert not cons["app.line.n_small"].enforced
    assert cons["app.line.n_small"].definition == "CHECK ((n < 1000000)) NOT ENFORCED"
    assert cons["app.line.n_excl"].type == "exclusion"
    assert cons['app."Order".total_positive'].comment == "no refunds"
    assert cons["app.base.sane"].columns == ("tableoid", "id")
    assert cons["app.child.sane"].inherited
    # A partition's copy of the parent's primary key is inherited.
    assert cons["app.events_2024.events_2024_pkey"].inherited
    fk = cons['"My Schema"."table".table_from_fkey']
    assert fk.references == '"My Schema"."Ta""ble ünï"'
    assert fk.referenced_columns == ('"col with ""quotes"""',)
    # NOT NULL is modelled on columns, constraint triggers as triggers.
    assert {c.type for c in cons.values()} == {
        "primary key",
        "foreign key",
        "unique",
        "check",
        "exclusion",
    }


def test_indexes(rich: Catalog) -> None:
    idx = rich.indexes
    # Indexes backing constraints are carried by their constraint.
    assert "app.line_pk" not in idx and "app.sku_uniq" not in idx
    lower = idx["app.line_sku_lower"]
    assert lower.definition == (
        "CREATE UNIQUE INDEX line_sku_lower ON app.line USING btree (lower(sku)) "
        "INCLUDE (n) WHERE (sku IS NOT NULL)"
    )
    assert (lower.table, lower.unique, lower.method, lower.valid) == (
        "app.line",
        True,
        "btree",
        True,
    )
    assert lower.predicate == "(sku IS NOT NULL)"
    assert idx["app.line_hash"].method == "hash"
    assert idx["app.line_desc"].clustered
    assert idx["app.events_at"].partitioned
    assert idx["app.events_2024_at_idx"].parent == "app.events_at"
    assert idx["app.order_totals_mood"].table == "app.order_totals"
    assert idx['app."Order_tags"'].comment == "find by tag"


def test_views_and_sequences(rich: Catalog) -> None:
    view = rich.views["app.big_orders"]
    assert view.options == ("check_option=local", "security_barrier=true", "security_invoker=true")
    assert 'FROM app."Order"' in view.definition
    assert view.comment == "over 100"
    assert view.columns["total"].comment == "view column"
    matview = rich.materialized_views["app.order_totals"]
    assert not matview.populated
    assert list(matview.columns) == ["mood", "total"]

    counter = rich.sequences["app.counter"]
    assert counter.options == SequenceOptions(
        data_type="integer", start=10, increment=2, minimum=10, maximum=1000, cache=5, cycle=True
    )
    assert counter.comment == "counts"
    assert rich.sequences["app.serials_id_seq"].owned_by == ("app.serials", "id")
    # Identity sequences belong to their column.
    assert 'app."Order_id_seq"' not in rich.sequences


def test_routines(rich: Catalog) -> None:
    fns = rich.functions
    assert set(fns) == {
        'app."Add"(a integer, b integer)',
        'app."Add"(a text, b text)',
        "app.evt()",
        "app.mysum(integer)",
        "app.touch(INOUT n integer)",
        "app.trg()",
    }
    add = fns['app."Add"(a integer, b integer)']
    assert (add.kind, add.arguments, add.result, add.volatility) == (
        "function",
        "a integer, b integer DEFAULT 1",
        "integer",
        "immutable",
    )
    assert add.definition.startswith('CREATE OR REPLACE FUNCTION app."Add"(a integer, b integer')
    # EXECUTE was revoked from PUBLIC on this one only.
    assert all(g.grantee != "PUBLIC" for g in add.grants)
    assert Grant("PUBLIC", "EXECUTE", False) in fns['app."Add"(a text, b text)'].grants
    assert fns['app."Add"(a text, b text)'].comment == "concatenates"
    assert fns["app.touch(INOUT n integer)"].kind == "procedure"
    assert fns["app.touch(INOUT n integer)"].result is None
    assert fns["app.trg()"].security_definer
    mysum = fns["app.mysum(integer)"]
    assert mysum.kind == "aggregate"
    assert mysum.definition == (
        "CREATE OR REPLACE AGGREGATE app.mysum(integer) "
        "(SFUNC = int4pl, STYPE = integer, INITCOND = '0', PARALLEL = SAFE)"
    )


def test_triggers_rules_policies(rich: Catalog) -> None:
    audit = rich.triggers['app."Order"."Audit"']
    assert (audit.enabled, audit.function, audit.comment) == ("disabled", "app.trg()", "audits")
    assert "WHEN ((new.qty IS NOT NULL))" in audit.definition
    assert rich.triggers["app.line.line_check"].constraint_trigger
    assert rich.triggers["app.events_2024.events_trg"].inherited
    assert not rich.triggers["app.events.events_trg"].inherited

    rule = rich.rules['app.cache."no delete"']
    assert (rule.event, rule.instead, rule.comment) == ("DELETE", True, "keep")

    policy = rich.policies['app."Order"."own rows"']
    assert (policy.command, policy.permissive) == ("UPDATE", False)
    assert policy.roles == ("pg_read_all_data", "pg_write_all_data")
    assert (policy.using, policy.with_check) == ("((qty)::integer > 0)", "((qty)::integer < 100)")
    assert policy.comment == "be careful"


def test_database_wide_objects(rich: Catalog) -> None:
    trigger = rich.event_triggers["log_ddl"]
    assert (trigger.event, trigger.tags, trigger.function) == (
        "ddl_command_end",
        ("CREATE TABLE",),
        "app.evt()",
    )
    pub = rich.publications["pub"]
    assert pub.operations == ("insert", "update")
    assert pub.comment == "replicates"
    assert dict(pub.tables) == {
        "app.line": PublicationTable(table="app.line", columns=("order_id", "n"), where="(n > 1)")
    }
    schema_pub = rich.publications['"schema pub"']
    assert (schema_pub.schemas, schema_pub.via_root) == (('"My Schema"',), True)
    everything = rich.publications["everything"]
    assert (everything.all_tables, everything.generated_columns) == (True, "stored")

    defaults = rich.default_privileges
    assert set(defaults) == {
        "FOR ROLE postgres IN SCHEMA app ON TABLES",
        "FOR ROLE postgres ON FUNCTIONS",
    }
    in_app = defaults["FOR ROLE postgres IN SCHEMA app ON TABLES"]
    assert (in_app.schema, in_app.object_type) == ("app", "tables")
    assert in_app.grants == (Grant("pg_read_all_data", "SELECT", False),)
    # PUBLIC lost EXECUTE on future functions: only the owner keeps it.
    assert defaults["FOR ROLE postgres ON FUNCTIONS"].grants == (
        Grant("postgres", "EXECUTE", False),
    )


def test_everything_is_modelled(rich: Catalog) -> None:
    # The range type's constructors and multirange cast are implicit, hstore's
    # objects belong to the extension: nothing in this schema is left unmodelled.
    assert rich.unmodelled == ()


def test_objects_have_exactly_their_fields(rich: Catalog) -> None:
    """Every loaded object carries each field of its class, and nothing else."""
    seen = 0
    for obj in _walk(rich):
        names = {f.name for f in dataclasses.fields(obj)}
        assert set(vars(obj)) == names, type(obj).__name__
        seen += 1
    assert seen > 100


def test_objects_are_immutable_and_hashable(rich: Catalog) -> None:
    column = rich.tables['app."Order"'].columns["id"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        column.name = "other"  # type: ignore[misc]
    assert isinstance(rich.tables, FrozenMap)
    assert hash(rich) == hash(rich)
    assert isinstance(column, Column)


def _walk(obj: object) -> list[Any]:
    """All dataclass instances reachable from `obj`."""
    found: list[Any] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            found.append(item)
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif isinstance(item, FrozenMap):
            stack.extend(item.values())
        elif isinstance(item, tuple):
            stack.extend(item)
    return found
