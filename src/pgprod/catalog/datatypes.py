"""Model of user-defined data types: enums, domains, composite types and range types."""

from __future__ import annotations

from dataclasses import dataclass

from .acl import Grants
from .equality import by_value
from .frozenmap import FrozenMap
from .relations import Columns


@by_value
@dataclass(frozen=True, kw_only=True)
class EnumType:
    """An enum type; ``labels`` in sort order."""

    key: str
    schema: str
    name: str
    labels: tuple[str, ...]
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class DomainCheck:
    """A named CHECK constraint of a domain (``pg_get_constraintdef``)."""

    name: str
    definition: str
    valid: bool
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class Domain:
    """A domain over ``base_type``; ``checks`` keyed by quoted constraint name.

    ``collation`` is set only when it differs from the base type's default.
    """

    key: str
    schema: str
    name: str
    base_type: str
    default: str | None
    not_null: bool
    collation: str | None
    checks: FrozenMap[str, DomainCheck]
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class CompositeType:
    """A composite type made with ``CREATE TYPE ... AS (...)``; its attributes are columns."""

    key: str
    schema: str
    name: str
    attributes: Columns
    owner: str
    grants: Grants
    comment: str | None


@by_value
@dataclass(frozen=True, kw_only=True)
class RangeType:
    """A range type (and, implicitly, its multirange type ``multirange``)."""

    key: str
    schema: str
    name: str
    subtype: str
    subtype_opclass: str | None
    collation: str | None
    canonical: str | None
    subtype_diff: str | None
    multirange: str | None
    owner: str
    grants: Grants
    comment: str | None
