"""Build model objects from catalog query rows, kind by kind. Pure: no database access.

Relation kinds are built in ``build_relations``; schemas, extensions, collations,
types, routines, event triggers, publications and default privileges here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import build_relations as rel
from .acl import DefaultPrivilege, parse_grants
from .build_relations import Row, Rows
from .datatypes import CompositeType, Domain, DomainCheck, EnumType, RangeType
from .frozenmap import FrozenMap, by_key
from .model import (
    Catalog,
    Collation,
    EventTrigger,
    Extension,
    Publication,
    PublicationTable,
    Schema,
    Unmodelled,
)
from .relations import Columns, Constraint, MaterializedView, View
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


Built = dict[str, Any]
"""What has been built so far, by query kind; later kinds read earlier ones."""


def _views(
    rows: Rows, built: Built
) -> tuple[FrozenMap[str, View], FrozenMap[str, MaterializedView]]:
    columns = built["columns"]
    return (
        by_key(rel.view(r, columns) for r in rows if r.kind == "v"),
        by_key(rel.materialized_view(r, columns) for r in rows if r.kind == "m"),
    )


def _constraints(rows: Rows, built: Built) -> FrozenMap[str, Constraint]:
    names = rel.column_names(built["columns"])
    return by_key(rel.constraint(r, names) for r in rows)


STEPS: Mapping[str, Callable[[Rows, Built], object]] = {
    "columns": lambda rows, built: rel.columns_by_relation(rows),
    "indexes": lambda rows, built: by_key(map(rel.index, rows)),
    "constraints": _constraints,
    "tables": lambda rows, built: by_key(rel.table(r, built["columns"]) for r in rows),
    "views": _views,
    "functions": lambda rows, built: by_key(map(function, rows)),
    "sequences": lambda rows, built: by_key(map(rel.sequence, rows)),
    "triggers": lambda rows, built: by_key(map(rel.trigger, rows)),
    "rules": lambda rows, built: by_key(map(rel.rule, rows)),
    "policies": lambda rows, built: by_key(map(rel.policy, rows)),
    "schemas": lambda rows, built: by_key(map(schema, rows)),
    "extensions": lambda rows, built: by_key(map(extension, rows)),
    "collations": lambda rows, built: by_key(map(collation, rows)),
    "enums": lambda rows, built: by_key(map(enum, rows)),
    "domains": lambda rows, built: by_key(map(domain, rows)),
    "composite_types": lambda rows, built: by_key(
        composite_type(r, built["columns"]) for r in rows
    ),
    "range_types": lambda rows, built: by_key(map(range_type, rows)),
    "event_triggers": lambda rows, built: by_key(map(event_trigger, rows)),
    "publications": lambda rows, built: by_key(map(publication, rows)),
    "default_privileges": lambda rows, built: by_key(map(default_privilege, rows)),
    "unmodelled": lambda rows, built: tuple(sorted(Unmodelled(r.kind, r.name) for r in rows)),
    "dependencies": lambda rows, built: FrozenMap((r.dependent, tuple(r.referenced))
                                                  for r in rows),
    "casts": lambda rows, built: frozenset((r.source, r.target) for r in rows),
}
"""How to build each query kind's rows. ``columns`` comes first: tables, views and
composite types hold columns, and constraints name them."""


def build_kind(kind: str, rows: Rows, built: Built) -> None:
    """Build one query kind's rows into ``built[kind]``."""
    built[kind] = STEPS[kind](rows, built)


def assemble(server_version: int, built: Built, role: str = "") -> Catalog:
    """Make the Catalog once every query kind has been built."""
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
        unmodelled=built["unmodelled"],
        dependencies=built["dependencies"],
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


def composite_type(r: Row, columns: Mapping[str, Columns]) -> CompositeType:
    """One row of ``composite_types.sql``, with its attributes."""
    return CompositeType(
        key=r.key,
        schema=r.schema,
        name=r.name,
        attributes=columns.get(r.key, FrozenMap()),
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


def default_privilege(r: Row) -> DefaultPrivilege:
    """One row of ``default_privileges.sql``."""
    return DefaultPrivilege(
        key=r.key,
        role=r.role,
        schema=r.schema,
        object_type=DEFAULT_ACL_TYPES.get(r.object_type, r.object_type),
        grants=parse_grants(r.grants),
    )
