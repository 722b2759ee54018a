"""Build model objects from catalog query rows, kind by kind. Pure: no database access.

Relation kinds are built in ``build_relations``; schemas, extensions, collations,
types, routines, event triggers, publications, subscriptions, default privileges and
foreign data here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import build_relations as rel
from . import dependencies as deps
from .acl import DefaultPrivilege, parse_grants
from .build_relations import Row, Rows
from .datatypes import CompositeType, Domain, DomainCheck, EnumType, RangeType
from .foreign import (
    ForeignCheck,
    ForeignDataWrapper,
    ForeignServer,
    ForeignTable,
    UserMapping,
)
from .frozenmap import FrozenMap, Keyed, by_key
from .model import (
    Catalog,
    Collation,
    EventTrigger,
    Extension,
    Publication,
    PublicationTable,
    Schema,
    Subscription,
    Unmodelled,
)
from .relations import Columns, Constraint, Index, MaterializedView, Table, View
from .routines import Function

FUNCTION_KINDS = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
VOLATILITIES = {"i": "immutable", "s": "stable", "v": "volatile"}
COLLATION_PROVIDERS = {"d": "default", "c": "libc", "i": "icu", "b": "builtin"}
DEFAULT_ACL_TYPES = {
    "r": "tables",
    "S": "sequences",
    "f": "functions",
    "T": "types",
    "n": "schemas",
    "L": "large objects",
}
GENERATED_COLUMN_MODES = {"n": "none", "s": "stored"}
PUBLISHED_OPERATIONS = ("insert", "update", "delete", "truncate")
# substream: a boolean on PostgreSQL 15 (read as JSON text), a letter from 16 on.
STREAMING = {"f": "off", "false": "off", "t": "on", "true": "on", "p": "parallel"}


Built = dict[str, Any]
"""What has been built so far, by query kind; later kinds read earlier ones."""


def _nodes(built: Built) -> deps.Nodes:
    """The graph nodes recorded so far (see ``dependencies``)."""
    nodes: deps.Nodes | None = built.get("nodes")
    if nodes is None:
        nodes = built["nodes"] = deps.Nodes()
    return nodes


def _columns(rows: Rows, built: Built) -> dict[int, Columns]:
    columns, names, defaults = rel.columns_by_relation(rows)
    nodes = _nodes(built)
    nodes.columns = names
    nodes.defaults = defaults
    return columns


def _indexes(rows: Rows, built: Built) -> FrozenMap[str, Index]:
    _nodes(built).add(deps.PG_CLASS, ((r[-1], f"index:{r[0]}") for r in rows))
    return by_key(map(rel.index, rows))


def _constraints(rows: Rows, built: Built) -> FrozenMap[str, Constraint]:
    nodes = _nodes(built)
    named = [(r, f"constraint:{r[0]}") for r in rows]
    nodes.add(deps.PG_CONSTRAINT, ((r[-3], node) for r, node in named))
    nodes.add(deps.PG_CLASS, ((r[-1], node) for r, node in named))
    return by_key(rel.constraint(r, nodes.columns) for r in rows)


def _tables(rows: Rows, built: Built) -> FrozenMap[str, Table]:
    _nodes(built).add(deps.PG_CLASS, ((r[-1], f"table:{r[0]}") for r in rows))
    columns = built["columns"]
    return by_key(rel.table(r, columns) for r in rows)


def _views(
    rows: Rows, built: Built
) -> tuple[FrozenMap[str, View], FrozenMap[str, MaterializedView]]:
    columns = built["columns"]
    nodes = _nodes(built)
    named = [(r, f"{'view' if r.kind == 'v' else 'matview'}:{r.key}") for r in rows]
    nodes.add(deps.PG_CLASS, ((r.oid, node) for r, node in named))
    nodes.add(deps.PG_REWRITE, ((r.rule_oid, node) for r, node in named))
    return (
        by_key(rel.view(r, columns) for r in rows if r.kind == "v"),
        by_key(rel.materialized_view(r, columns) for r in rows if r.kind == "m"),
    )


def _keyed(
    build: Callable[[Row], Keyed], classid: int, kind: str
) -> Callable[[Rows, Built], FrozenMap[str, Keyed]]:
    """A step that builds each row with ``build`` and records its node ``kind:key``."""

    def step(rows: Rows, built: Built) -> FrozenMap[str, Keyed]:
        _nodes(built).add(classid, ((r.oid, f"{kind}:{r.key}") for r in rows))
        return by_key(map(build, rows))

    return step


def _types(build: Callable[[Row], Keyed]) -> Callable[[Rows, Built], FrozenMap[str, Keyed]]:
    """A step for a kind of type: its node names the type and its array type."""

    def step(rows: Rows, built: Built) -> FrozenMap[str, Keyed]:
        nodes = _nodes(built)
        nodes.add(deps.PG_TYPE, ((r.oid, f"type:{r.key}") for r in rows))
        nodes.add(deps.PG_TYPE, ((r.array_oid, f"type:{r.key}") for r in rows))
        return by_key(map(build, rows))

    return step


def _domains(rows: Rows, built: Built) -> FrozenMap[str, Keyed]:
    _nodes(built).add(deps.PG_CONSTRAINT, ((c["oid"], f"type:{r.key}")
                                           for r in rows for c in r.checks or ()))
    return _types(domain)(rows, built)


def _composite_types(rows: Rows, built: Built) -> FrozenMap[str, Keyed]:
    _nodes(built).add(deps.PG_CLASS, ((r.relation_oid, f"type:{r.key}") for r in rows))
    columns = built["columns"]
    return _types(lambda r: composite_type(r, columns))(rows, built)


def _foreign_tables(rows: Rows, built: Built) -> FrozenMap[str, ForeignTable]:
    """Foreign tables; their columns, defaults and checks are nodes of the table."""
    nodes = _nodes(built)
    nodes.add(deps.PG_CLASS, ((r.oid, f"foreign_table:{r.key}") for r in rows))
    nodes.add(deps.PG_CONSTRAINT, ((c["oid"], f"foreign_table:{r.key}")
                                   for r in rows for c in r.checks or ()))
    columns = built["columns"]
    return by_key(foreign_table(r, columns) for r in rows)


def build_kind(kind: str, rows: Rows, built: Built) -> None:
    """Build one query kind's rows into ``built[kind]``."""
    built[kind] = STEPS[kind](rows, built)


def assemble(server_version: int, built: Built, role: str = "") -> Catalog:
    """Make the Catalog once every query kind has been built and the dependencies named
    (``built["graph"]``)."""
    views, materialized_views = built["views"]
    return Catalog(
        server_version=server_version,
        schemas=built["schemas"],
        extensions=built["extensions"],
        collations=built["collations"],
        enums=built["enums"],
        domains=built["domains"],
        composite_types=built["composite_types"],
        range_types=built["range_types"],
        tables=built["tables"],
        views=views,
        materialized_views=materialized_views,
        sequences=built["sequences"],
        indexes=built["indexes"],
        constraints=built["constraints"],
        triggers=built["triggers"],
        rules=built["rules"],
        policies=built["policies"],
        functions=built["functions"],
        event_triggers=built["event_triggers"],
        publications=built["publications"],
        default_privileges=built["default_privileges"],
        foreign_data_wrappers=built["foreign_data_wrappers"],
        foreign_servers=built["foreign_servers"],
        user_mappings=built["user_mappings"],
        foreign_tables=built["foreign_tables"],
        subscriptions=built["subscriptions"],
        unmodelled=built["unmodelled"],
        dependencies=built["graph"],
        role=role,
        casts=built["casts"],
    )


def schema(r: Row) -> Schema:
    """One row of ``schemas.sql``."""
    return Schema(
        key=r.key,
        name=r.name,
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def extension(r: Row) -> Extension:
    """One row of ``extensions.sql``."""
    return Extension(
        key=r.key,
        name=r.name,
        schema=r.schema,
        version=r.version,
        comment=r.comment,
    )


def collation(r: Row) -> Collation:
    """One row of ``collations.sql``."""
    return Collation(
        key=r.key,
        schema=r.schema,
        name=r.name,
        provider=COLLATION_PROVIDERS.get(r.provider, r.provider),
        deterministic=r.deterministic,
        lc_collate=r.lc_collate,
        lc_ctype=r.lc_ctype,
        locale=r.locale,
        rules=r.rules,
        owner=r.owner,
        comment=r.comment,
    )


def enum(r: Row) -> EnumType:
    """One row of ``enums.sql``."""
    return EnumType(
        key=r.key,
        schema=r.schema,
        name=r.name,
        labels=tuple(r.labels),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def domain(r: Row) -> Domain:
    """One row of ``domains.sql`` (its checks arrive as a JSON list)."""
    checks = sorted(r.checks or (), key=lambda c: str(c["key"]))
    return Domain(
        key=r.key,
        schema=r.schema,
        name=r.name,
        base_type=r.base_type,
        default=r.default,
        not_null=r.not_null,
        collation=r.collation,
        checks=FrozenMap(
            (
                c["key"],
                DomainCheck(
                    name=c["name"],
                    definition=c["definition"],
                    valid=c["valid"],
                    comment=c["comment"],
                ),
            )
            for c in checks
        ),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def composite_type(r: Row, columns: Mapping[int, Columns]) -> CompositeType:
    """One row of ``composite_types.sql``, with its attributes."""
    return CompositeType(
        key=r.key,
        schema=r.schema,
        name=r.name,
        attributes=columns.get(r.relation_oid) or FrozenMap(),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def range_type(r: Row) -> RangeType:
    """One row of ``range_types.sql``."""
    return RangeType(
        key=r.key,
        schema=r.schema,
        name=r.name,
        subtype=r.subtype,
        subtype_opclass=r.subtype_opclass,
        collation=r.collation,
        canonical=r.canonical,
        subtype_diff=r.subtype_diff,
        multirange=r.multirange,
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def function(r: Row) -> Function:
    """One row of ``functions.sql``."""
    return Function(
        key=r.key,
        schema=r.schema,
        name=r.name,
        kind=FUNCTION_KINDS.get(r.kind, r.kind),
        identity_arguments=r.identity_arguments,
        arguments=r.arguments,
        result=r.result,
        language=r.language,
        volatility=VOLATILITIES.get(r.volatility, r.volatility),
        security_definer=r.security_definer,
        definition=r.definition,
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def event_trigger(r: Row) -> EventTrigger:
    """One row of ``event_triggers.sql``."""
    return EventTrigger(
        key=r.key,
        name=r.name,
        event=r.event,
        tags=tuple(sorted(r.tags)),
        function=r.function,
        enabled=rel.ENABLED.get(r.enabled, r.enabled),
        owner=r.owner,
        comment=r.comment,
    )


def publication(r: Row) -> Publication:
    """One row of ``publications.sql`` (its tables arrive as a JSON list)."""
    tables = sorted(r.tables or (), key=lambda t: str(t["table"]))
    return Publication(
        key=r.key,
        name=r.name,
        all_tables=r.all_tables,
        operations=tuple(op for op in PUBLISHED_OPERATIONS if getattr(r, op)),
        via_root=r.via_root,
        generated_columns=GENERATED_COLUMN_MODES.get(r.generated_columns, r.generated_columns),
        tables=FrozenMap(
            (
                t["table"],
                PublicationTable(table=t["table"], columns=tuple(t["columns"]), where=t["where"]),
            )
            for t in tables
        ),
        schemas=tuple(sorted(r.schemas)),
        owner=r.owner,
        comment=r.comment,
    )


def subscription(r: Row) -> Subscription:
    """One row of ``subscriptions.sql``."""
    return Subscription(
        key=r.key,
        name=r.name,
        connection=r.connection,
        publications=tuple(r.publications),
        enabled=r.enabled,
        slot_name=r.slot_name,
        binary=r.binary,
        streaming=STREAMING.get(r.streaming, r.streaming),
        synchronous_commit=r.synchronous_commit,
        two_phase=r.two_phase,
        disable_on_error=r.disable_on_error,
        password_required=r.password_required,
        run_as_owner=r.run_as_owner,
        origin=r.origin,
        failover=r.failover,
        owner=r.owner,
        comment=r.comment,
    )


def _options(options: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted(options or ()))


def foreign_data_wrapper(r: Row) -> ForeignDataWrapper:
    """One row of ``foreign_data_wrappers.sql``."""
    return ForeignDataWrapper(
        key=r.key,
        name=r.name,
        handler=r.handler,
        validator=r.validator,
        options=_options(r.options),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def foreign_server(r: Row) -> ForeignServer:
    """One row of ``foreign_servers.sql``."""
    return ForeignServer(
        key=r.key,
        name=r.name,
        wrapper=r.wrapper,
        type=r.type,
        version=r.version,
        options=_options(r.options),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
    )


def user_mapping(r: Row) -> UserMapping:
    """One row of ``user_mappings.sql``."""
    return UserMapping(
        key=r.key,
        user=r.user,
        server=r.server,
        options=None if r.options is None else _options(r.options),
    )


def foreign_table(r: Row, columns: Mapping[int, Columns]) -> ForeignTable:
    """One row of ``foreign_tables.sql``, with its columns (options and checks arrive
    as JSON)."""
    checks = sorted(r.checks or (), key=lambda c: str(c["key"]))
    return ForeignTable(
        key=r.key,
        schema=r.schema,
        name=r.name,
        server=r.server,
        options=_options(r.options),
        columns=columns.get(r.oid) or FrozenMap(),
        column_options=FrozenMap(sorted((k, _options(v))
                                        for k, v in (r.column_options or {}).items())),
        checks=FrozenMap(
            (c["key"],
             ForeignCheck(name=c["name"], definition=c["definition"],
                          no_inherit=c["no_inherit"], comment=c["comment"]))
            for c in checks),
        owner=r.owner,
        grants=parse_grants(r.grants),
        comment=r.comment,
        inherits=tuple(r.inherits),
        partition_of=r.partition_of,
        partition_bound=r.partition_bound,
    )


def default_privilege(r: Row) -> DefaultPrivilege:
    """One row of ``default_privileges.sql``."""
    return DefaultPrivilege(
        key=r.key,
        role=r.role,
        schema=r.schema,
        object_type=DEFAULT_ACL_TYPES.get(r.object_type, r.object_type),
        grants=parse_grants(r.grants),
    )


STEPS: Mapping[str, Callable[[Rows, Built], object]] = {
    "columns": _columns,
    "indexes": _indexes,
    "constraints": _constraints,
    "tables": _tables,
    "views": _views,
    "functions": _keyed(function, deps.PG_PROC, "function"),
    "sequences": _keyed(rel.sequence, deps.PG_CLASS, "sequence"),
    "triggers": _keyed(rel.trigger, deps.PG_TRIGGER, "trigger"),
    "rules": _keyed(rel.rule, deps.PG_REWRITE, "rule"),
    "policies": _keyed(rel.policy, deps.PG_POLICY, "policy"),
    "schemas": _keyed(schema, deps.PG_NAMESPACE, "schema"),
    "extensions": _keyed(extension, deps.PG_EXTENSION, "extension"),
    "collations": lambda rows, built: by_key(map(collation, rows)),
    "enums": _types(enum),
    "domains": _domains,
    "composite_types": _composite_types,
    "range_types": _types(range_type),
    "event_triggers": lambda rows, built: by_key(map(event_trigger, rows)),
    "publications": lambda rows, built: by_key(map(publication, rows)),
    "subscriptions": lambda rows, built: by_key(map(subscription, rows)),
    "default_privileges": lambda rows, built: by_key(map(default_privilege, rows)),
    "foreign_data_wrappers": _keyed(foreign_data_wrapper, deps.PG_FOREIGN_DATA_WRAPPER,
                                    "foreign_data_wrapper"),
    "foreign_servers": _keyed(foreign_server, deps.PG_FOREIGN_SERVER, "server"),
    "user_mappings": _keyed(user_mapping, deps.PG_USER_MAPPING, "user_mapping"),
    "foreign_tables": _foreign_tables,
    "unmodelled": lambda rows, built: tuple(sorted(Unmodelled(r.kind, r.name) for r in rows)),
    # Named by the loader once every other kind has recorded its nodes.
    "dependencies": lambda rows, built: list(rows),
    "casts": lambda rows, built: frozenset((r.source, r.target) for r in rows),
}
"""How to build each query kind's rows. ``columns`` comes first: tables, views and
composite types hold columns, and constraints name them."""

TUPLE_ROWS: Mapping[str, tuple[str, ...]] = {
    "columns": rel.COLUMN_FIELDS,
    "indexes": rel.INDEX_FIELDS,
    "constraints": rel.CONSTRAINT_FIELDS,
    "tables": rel.TABLE_FIELDS,
}
"""Kinds whose rows are plain tuples, with their columns in order (the loader checks
them against the query's); the rows of other kinds have named fields."""
