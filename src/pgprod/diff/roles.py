"""One schema's role names as another environment's: dev's roles and prod's differ when
their `role_prefix` does (an external prod shared with other apps: `app_owner` where dev
has `owner`). Compared as read, every owner and grant would differ, and a plan would
hand prod's tables to dev's role names; `renamed` gives dev's schema prod's names first.
`without_grants_to` leaves out what a role holds that is no part of the app's schema:
the admin's own privileges (a managed service's provider grants its admin what it
likes, and only the provider may take it back).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from pgprod.catalog.acl import Grant
from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog
from pgprod.names import quote_ident

ROLE_FIELDS = frozenset({"owner", "grantee", "role", "roles", "user"})  # quoted names
KEYED_BY_ROLE = ("FOR ROLE ", "FOR ")  # default privileges' and user mappings' keys


def renamed(catalog: Catalog, names: Mapping[str, str]) -> Catalog:
    """`catalog` with each role of `names` (unquoted, as PostgreSQL spells them) called
    by the name it maps to; `catalog` itself when no name changes."""
    quoted = {quote_ident(old): quote_ident(new) for old, new in names.items() if old != new}
    if not quoted:
        return catalog
    walked: Catalog = _rebuilt(catalog, quoted, frozenset())
    return dataclasses.replace(walked, role=names.get(catalog.role, catalog.role))


def without_grants_to(catalog: Catalog, roles: Sequence[str]) -> Catalog:
    """`catalog` without the grants whose grantee is one of `roles` (unquoted)."""
    dropped = frozenset(quote_ident(role) for role in roles)
    walked: Catalog = _rebuilt(catalog, {}, dropped) if dropped else catalog
    return walked


def _rebuilt(value: Any, quoted: Mapping[str, str], dropped: frozenset[str]) -> Any:
    """`value` (the catalog, or any part of it) with the roles of `quoted` renamed and
    the grants to `dropped` left out; each part that does not change is kept as it is."""
    if isinstance(value, FrozenMap):
        pairs = [(key, item, _key(key, quoted), _rebuilt(item, quoted, dropped))
                 for key, item in value.items()]
        if all(new_key == key and new is item for key, item, new_key, new in pairs):
            return value
        return FrozenMap({new_key: new for _, _, new_key, new in pairs})
    if isinstance(value, tuple):
        items = tuple(_rebuilt(item, quoted, dropped) for item in value)
        if items and all(isinstance(item, Grant) for item in items):  # sorted, as read
            items = tuple(sorted(g for g in items if g.grantee not in dropped))
        return value if items == value else items
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {}
    for field in dataclasses.fields(value):
        if not field.init:
            continue
        old = getattr(value, field.name)
        new = (_role(old, quoted) if field.name in ROLE_FIELDS and _names(old)
               else _rebuilt(old, quoted, dropped))
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(value, **changes) if changes else value


def _names(value: Any) -> bool:
    """Whether a role field holds names (a name, or names), not a part to walk into."""
    return isinstance(value, str) or (isinstance(value, tuple)
                                      and all(isinstance(v, str) for v in value))


def _role(value: str | tuple[str, ...], quoted: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return quoted.get(value, value)
    renamed_ = tuple(sorted(quoted.get(v, v) for v in value))
    return value if renamed_ == value else renamed_


def _key(key: Any, quoted: Mapping[str, str]) -> Any:
    """A default privilege's key (``FOR ROLE "x" IN SCHEMA ...``) or a user mapping's
    (``FOR "x" SERVER ...``) with its role renamed; any other key as it is."""
    if not isinstance(key, str):
        return key
    for prefix in KEYED_BY_ROLE:
        if key.startswith(prefix):
            name, space, rest = key[len(prefix):].partition(" ")
            if name in quoted:
                return f"{prefix}{quoted[name]}{space}{rest}"
    return key
