"""A schema read on one PostgreSQL version, compared with a server of an older one.

dev is usually the embedded 18 and prod may run 15 or 16 (a managed service). What dev
has that prod's version cannot have must not become a step of the plan, which would
fail there: today, the MAINTAIN privilege (PostgreSQL 17), which 17+ gives every table's
owner and which `GRANT ALL` includes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pgprod.catalog.acl import Grants
from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog

MAINTAIN_SINCE = 170000  # server_version_num of the first release with MAINTAIN

T = TypeVar("T")


def for_server(catalog: Catalog, version: int) -> Catalog:
    """`catalog` as it would be on a server of `version` (``server_version_num``; 0:
    unknown): without the privileges that version does not have."""
    if not 0 < version < MAINTAIN_SINCE or 0 < catalog.server_version < MAINTAIN_SINCE:
        return catalog

    def without(objects: FrozenMap[str, T]) -> FrozenMap[str, T]:
        return FrozenMap({key: _without_maintain(value) for key, value in objects.items()})

    return dataclasses.replace(
        catalog, tables=without(catalog.tables), views=without(catalog.views),
        materialized_views=without(catalog.materialized_views),
        foreign_tables=without(catalog.foreign_tables),
        default_privileges=without(catalog.default_privileges))


def _without_maintain(value: Any) -> Any:
    grants: Grants = value.grants
    kept = tuple(g for g in grants if g.privilege != "MAINTAIN")
    return value if len(kept) == len(grants) else dataclasses.replace(value, grants=kept)
