"""Privileges: grants on objects and default privileges for future objects."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from .equality import by_value


@dataclass(frozen=True, order=True)
class Grant:
    """One privilege held by one role on one object (a row of ``aclexplode``).

    ``grantee`` is a quoted role name, or ``PUBLIC`` (unquoted) for everyone. An object
    whose ACL was never changed reports the default privileges PostgreSQL gives it
    (``acldefault``), so "never granted" and "granted the defaults" compare equal.
    The grantor is not modelled.
    """

    grantee: str
    privilege: str
    grantable: bool


Grants = tuple[Grant, ...]
"""Grants of one object, sorted by grantee then privilege."""


@by_value
@dataclass(frozen=True, kw_only=True)
class DefaultPrivilege:
    """An ``ALTER DEFAULT PRIVILEGES`` entry (a row of ``pg_default_acl``).

    ``schema`` is None for a database-wide entry; ``object_type`` is one of
    ``tables``, ``sequences``, ``functions``, ``types`` or ``schemas``. A database-wide
    entry stores the complete resulting ACL, a per-schema entry only the additions.
    """

    key: str
    role: str
    schema: str | None
    object_type: str
    grants: Grants


@functools.lru_cache(maxsize=4096)
def parse_grants(text: str | None) -> Grants:
    """Parse the ``grants`` column of the catalog queries.

    The column is the JSON text ``[[grantee, privilege, grantable], ...]`` built from
    ``aclexplode``; None means no grants. Most objects share a handful of distinct
    ACLs, hence the cache (the result is immutable).
    """
    if text is None:
        return ()
    return tuple(sorted(Grant(g, p, bool(b)) for g, p, b in json.loads(text)))
