"""FrozenMap: the immutable, hashable mapping used for every collection in the catalog model."""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from operator import attrgetter
from typing import Any, Protocol, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable mapping that keeps insertion order for iteration.

    Equality ignores order (like ``dict``), so two catalogs read from databases whose
    objects were created in a different order still compare equal. Unlike
    ``types.MappingProxyType`` it is hashable (when its values are), which keeps the
    frozen dataclasses that hold it hashable too.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(items)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # The Mapping mixins would go through __iter__ and __getitem__ in Python: the
    # dict's own views and get are many times faster on large catalogs.
    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def get(self, key: K, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (list(self._data.items()),))


class Keyed(Protocol):
    """Anything with a ``key``: every top-level model object."""

    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


def by_key(objects: Iterable[T]) -> FrozenMap[str, T]:
    """Map objects by their ``key``, iterating in key order (code points, not a collation)."""
    return FrozenMap((o.key, o) for o in sorted(objects, key=attrgetter("key")))
