"""Model of foreign data: wrappers, servers, user mappings and foreign tables.

Keys as everywhere (``quote_ident``): a wrapper or server by its name, a foreign table
by ``schema.name``, a user mapping by ``FOR <user> SERVER <server>`` (``PUBLIC`` for
everyone). Options are ``name=value`` strings as PostgreSQL stores them, sorted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .acl import Grants
from .equality import by_value
from .frozenmap import FrozenMap
from .relations import Columns


@by_value
@dataclass(frozen=True, kw_only=True)
class ForeignDataWrapper:
    """A foreign-data wrapper that is not an extension's own. ``handler`` and
    ``validator`` are function names (schema-qualified) or None."""

    key: str
    name: str
    handler: str | None
    validator: str | None
    options: tuple[str, ...]
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class ForeignServer:
    """A foreign server of ``wrapper`` (a wrapper's key, an extension's wrapper too)."""

    key: str
    name: str
    wrapper: str
    type: str | None
    version: str | None
    options: tuple[str, ...]
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class UserMapping:
    """A user mapping: ``user`` is a quoted role name or ``PUBLIC``, ``server`` a
    server's key. Its options are secrets (a password, most often): they take part in
    equality but never in ``repr``, and summaries do not show them. ``options`` is None
    when the reading role may not see them (``pg_user_mappings``)."""

    key: str
    user: str
    server: str
    options: tuple[str, ...] | None = field(repr=False)


@by_value
@dataclass(frozen=True, kw_only=True)
class ForeignCheck:
    """A CHECK constraint of a foreign table (never validated: the rows are remote)."""

    name: str
    definition: str
    no_inherit: bool
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class ForeignTable:
    """A foreign table (not one other tables inherit from). ``column_options`` holds each
    column's options by column key (columns without options are left out); ``checks``
    its own CHECK constraints by quoted name (not those it only inherits). ``inherits``
    are its parents' keys in order, or ``partition_of`` its partitioned table's key,
    with ``partition_bound`` as ``FOR VALUES ...``."""

    key: str
    schema: str
    name: str
    server: str
    options: tuple[str, ...]
    columns: Columns
    column_options: FrozenMap[str, tuple[str, ...]]
    checks: FrozenMap[str, ForeignCheck]
    owner: str
    grants: Grants
    comment: str | None
    # Empty in catalogs stored before pgprod modelled foreign tables in inheritance.
    inherits: tuple[str, ...] = ()
    partition_of: str | None = None
    partition_bound: str | None = None
