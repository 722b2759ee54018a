"""Model of functions, procedures and aggregates."""

from __future__ import annotations

from dataclasses import dataclass

from .acl import Grants
from .equality import by_value


@by_value
@dataclass(frozen=True, kw_only=True)
class Function:
    """A function, procedure, aggregate or window function (``kind`` says which).

    ``key`` is ``schema.name(identity arguments)`` as given by
    ``pg_get_function_identity_arguments``, which is also what ``DROP FUNCTION`` takes.
    ``definition`` is ``pg_get_functiondef`` for functions and procedures, and a
    ``CREATE OR REPLACE AGGREGATE`` statement built from ``pg_aggregate`` for aggregates.
    ``result`` is None for procedures. ``volatility`` is ``immutable``, ``stable`` or
    ``volatile``.
    """

    key: str
    schema: str
    name: str
    kind: str
    identity_arguments: str
    arguments: str
    result: str | None
    language: str
    volatility: str
    security_definer: bool
    definition: str
    owner: str
    grants: Grants
    comment: str | None
