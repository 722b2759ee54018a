"""pgprod's own scaffolding in prod: the objects a publish creates for itself and removes
again (a column kept in sync while a rename or type change is pending, its trigger and
trigger function, a temporary check proving NOT NULL, an index built under a temporary
name).

One rule recognises them, by name: a name that ends in ``__pgprod`` or has
``__pgprod_`` in it (``email__pgprod_new``), or that starts with ``pgprod_`` or
``zzz_pgprod_`` (``pgprod_sync_…``, ``zzz_pgprod_sync_…``, ``pgprod_nn_…``). These
names are reserved: pgprod never shows such an object as the user's change, never
judges its loss as data loss, and `without` takes them out of a catalog before a diff.
`scaffolding_in` names what is left, so a publish whose phases all ran can refuse to
call itself done while any remains. Pure: reads no database.
"""

from __future__ import annotations

import dataclasses

from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog
from pgprod.names import split_qualified

PREFIXES = ("pgprod_", "zzz_pgprod_")
MARK = "__pgprod"


def is_scaffolding(name: str) -> bool:
    """Whether an unquoted object name is one of pgprod's own (see the module)."""
    return name.startswith(PREFIXES) or name.endswith(MARK) or MARK + "_" in name


def is_scaffolding_key(key: str) -> bool:
    """The same for a quoted key (``public.users."age__pgprod_new"``) or a finding's
    object: any of its parts."""
    return any(is_scaffolding(part) for part in split_qualified(key.partition("(")[0]))


def _function_name(key: str) -> str:
    """``schema.name(args)`` -> ``name``."""
    return split_qualified(key.partition("(")[0])[-1]


def scaffolding_in(catalog: Catalog) -> list[str]:
    """The keys of every scaffolding object in `catalog`, columns as ``table.column``."""
    found = [f"{table.key}.{column.key}" for table in catalog.tables.values()
             for column in table.columns.values() if is_scaffolding(column.name)]
    found += [key for key, c in catalog.constraints.items() if is_scaffolding(c.name)]
    found += [key for key, i in catalog.indexes.items() if is_scaffolding(i.name)]
    found += [key for key, t in catalog.triggers.items() if is_scaffolding(t.name)]
    found += [key for key in catalog.functions if is_scaffolding(_function_name(key))]
    return found


def without(catalog: Catalog) -> Catalog:
    """`catalog` as if no scaffolding were there (same object when there is none)."""
    if not scaffolding_in(catalog):
        return catalog
    tables = FrozenMap(
        (key, dataclasses.replace(table, columns=FrozenMap(
            (k, c) for k, c in table.columns.items() if not is_scaffolding(c.name))))
        for key, table in catalog.tables.items())
    gone = set(scaffolding_in(catalog))
    return dataclasses.replace(
        catalog, tables=tables,
        constraints=FrozenMap((k, v) for k, v in catalog.constraints.items() if k not in gone),
        indexes=FrozenMap((k, v) for k, v in catalog.indexes.items() if k not in gone),
        triggers=FrozenMap((k, v) for k, v in catalog.triggers.items() if k not in gone),
        functions=FrozenMap((k, v) for k, v in catalog.functions.items() if k not in gone),
        dependencies=FrozenMap(
            (node, tuple(n for n in needs if not _names_scaffolding(n, gone)))
            for node, needs in catalog.dependencies.items()
            if not _names_scaffolding(node, gone)))


def _names_scaffolding(node: str, gone: set[str]) -> bool:
    """Whether a dependency-graph node (``kind:key``) is a scaffolding object."""
    key = node.partition(":")[2]
    return key in gone or is_scaffolding_key(key)
