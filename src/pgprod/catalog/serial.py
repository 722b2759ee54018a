"""A catalog as JSON and back: how a schema is kept on disk (the publish history's
schema before each publish), never as pickle, which runs code when loaded.

The shape is the model's own: each dataclass an object of its fields, mappings objects,
tuples and sets lists; `cattrs` reads it back by the model's type hints, so what loads
is the same frozen, comparable `Catalog` that was saved (`from_json(to_json(c)) == c`,
derived data included). A ``"format"`` number guards against files of another shape.
"""

from __future__ import annotations

import json
from typing import Any, get_args, get_origin

import cattrs
from cattrs.preconf.json import make_converter

from pgprod.errors import PgprodError

from .frozenmap import FrozenMap
from .model import Catalog

FORMAT = 1


class CatalogFileError(PgprodError):
    """A stored schema that cannot be read back."""


def _is_frozen_map(kind: Any) -> bool:
    return bool(kind is FrozenMap or get_origin(kind) is FrozenMap)


def _converter() -> cattrs.Converter:
    converter = make_converter()  # sets as lists, and the other JSON conventions
    converter.register_unstructure_hook_func(
        _is_frozen_map, lambda mapping: {k: converter.unstructure(v)
                                         for k, v in mapping.items()})

    def frozen_map(data: dict[str, Any], kind: Any) -> FrozenMap[Any, Any]:
        _, value = get_args(kind)
        return FrozenMap((k, converter.structure(v, value)) for k, v in data.items())

    converter.register_structure_hook_func(_is_frozen_map, frozen_map)
    # The loader leaves some fields typed as plain values None (a partition's identity
    # column has no sequence options of its own): read back exactly what was written.
    for plain in (int, str, bool):
        converter.register_structure_hook(
            plain, lambda value, kind: value if value is None else kind(value))
    return converter


_CONVERTER = _converter()


def to_json(catalog: Catalog) -> str:
    """`catalog` as JSON text (pure)."""
    return json.dumps({"format": FORMAT, "catalog": _CONVERTER.unstructure(catalog)},
                      separators=(",", ":"))


# How catalogs stored before foreign data was modelled listed it.
_FORMERLY_UNMODELLED = {"foreign table", "foreign-data wrapper", "foreign server",
                        "user mapping"}


def _check_foreign_data(data: dict[str, Any]) -> None:
    """A catalog stored before pgprod modelled foreign data reads back with none, which
    is only true when it listed none as unmodelled: one that did cannot be read back
    (compared with today's model, its foreign data would look dropped)."""
    if "foreign_tables" in data:
        return
    found = sorted({u["kind"] for u in data.get("unmodelled", ())} & _FORMERLY_UNMODELLED)
    if found:
        raise CatalogFileError("stored schema predates pgprod modelling foreign data and "
                               f"holds some ({', '.join(found)}): it cannot be compared")


# Kinds catalogs stored before pgprod modelled them listed as unmodelled (a catalog that
# lists none reads back with none of them), by what they are now.
_NOW_MODELLED = {"subscription": "subscriptions",
                 "foreign table in inheritance": "foreign tables in inheritance"}


def _check_now_modelled(data: dict[str, Any]) -> None:
    """The same for kinds modelled since: subscriptions, foreign tables in inheritance.
    A catalog that listed some as unmodelled cannot be compared with today's model."""
    found = sorted({_NOW_MODELLED[u["kind"]] for u in data.get("unmodelled", ())
                    if u["kind"] in _NOW_MODELLED})
    if found:
        raise CatalogFileError(f"stored schema predates pgprod modelling {', '.join(found)} "
                               "and holds some: it cannot be compared")


def from_json(text: str) -> Catalog:
    """The catalog `to_json` wrote; raises `CatalogFileError` for anything else."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise CatalogFileError(f"stored schema has format {data.get('format')!r}, "
                                   f"this pgprod reads {FORMAT}")
        _check_foreign_data(data["catalog"])
        _check_now_modelled(data["catalog"])
        # pgprod's own, which the catalog of older pgprods held (queries/extensions.sql)
        data["catalog"].get("extensions", {}).pop("pg_stat_statements", None)
        return _CONVERTER.structure(data["catalog"], Catalog)
    except (ValueError, KeyError, TypeError, AttributeError,
            cattrs.BaseValidationError) as exc:
        raise CatalogFileError(f"stored schema cannot be read ({exc})") from exc
