"""Fast value equality for the model's frozen dataclasses.

A dataclass's generated ``__eq__`` builds a tuple of every field of both objects and
compares the tuples; comparing two catalogs calls it for every column, constraint and
index. Model objects hold exactly their fields in their instance dict (they are
immutable), so comparing the two dicts, in C, gives the same answer, faster.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def by_value(cls: type[T]) -> type[T]:
    """Give dataclass `cls` an ``__eq__`` that compares instance dicts.

    Fields declared with ``compare=False`` are still left out: when the dicts differ,
    the compared fields alone decide. Apply it above ``@dataclass``; the generated
    ``__hash__`` (over the compared fields) stays as it is.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    compared = tuple(f.name for f in fields if f.compare)
    if len(compared) == len(fields):

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is self.__class__:
                return bool(self.__dict__ == other.__dict__)
            return NotImplemented

    else:

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            mine, theirs = self.__dict__, other.__dict__
            return bool(mine == theirs or all(mine[n] == theirs[n] for n in compared))

    eq: Callable[[Any, object], bool] = __eq__
    eq.__qualname__ = f"{cls.__qualname__}.__eq__"
    cls.__eq__ = eq  # type: ignore[method-assign]
    return cls
