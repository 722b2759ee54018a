"""The catalog model: a database's schema as immutable, comparable objects.

``load(conn)`` reads every modelled object of the connected database (read-only) into
a ``Catalog``; everything found but not modelled is listed in ``Catalog.unmodelled``.
Objects compare by value and are keyed by quoted full name, so comparing two
catalogs is set arithmetic over their mappings.
"""

from __future__ import annotations

from .acl import DefaultPrivilege, Grant, Grants
from .datatypes import CompositeType, Domain, DomainCheck, EnumType, RangeType
from .foreign import ForeignCheck, ForeignDataWrapper, ForeignServer, ForeignTable, UserMapping
from .frozenmap import FrozenMap
from .loader import QUERY_KINDS, load
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
from .relations import (
    Column,
    Columns,
    Constraint,
    Generated,
    Identity,
    Index,
    MaterializedView,
    NotNull,
    Policy,
    Rule,
    Sequence,
    SequenceOptions,
    Table,
    Trigger,
    View,
)
from .routines import Function

__all__ = [
    "QUERY_KINDS",
    "Catalog",
    "Collation",
    "Column",
    "Columns",
    "CompositeType",
    "Constraint",
    "DefaultPrivilege",
    "Domain",
    "DomainCheck",
    "EnumType",
    "EventTrigger",
    "Extension",
    "ForeignCheck",
    "ForeignDataWrapper",
    "ForeignServer",
    "ForeignTable",
    "FrozenMap",
    "Function",
    "Generated",
    "Grant",
    "Grants",
    "Identity",
    "Index",
    "MaterializedView",
    "NotNull",
    "Policy",
    "Publication",
    "PublicationTable",
    "RangeType",
    "Rule",
    "Schema",
    "Sequence",
    "SequenceOptions",
    "Subscription",
    "Table",
    "Trigger",
    "Unmodelled",
    "UserMapping",
    "View",
    "load",
]
