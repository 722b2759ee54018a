"""Expressions as PostgreSQL prints them, made to read back as the same expression.

``pg_get_constraintdef`` prints a cast of a whole array constructor the way it was
parsed — ``(ARRAY['a'::character varying, 'b'::character varying])::text[]``, from
``v IN ('a', 'b')`` on a ``varchar`` column — but the parser reads that text back
differently: a cast written right after ``ARRAY[...]`` is pushed into the elements
(``ARRAY[('a'::character varying)::text, ...]``). The constraint made from the printed
text would then print otherwise than the one it was made from, and the two would never
compare equal. Casting the constructor to its own element type first
(``(ARRAY[...]::character varying[])::text[]``) keeps the printed shape; that is what
``round_trip`` does, and only where every element carries the same cast.
"""

from __future__ import annotations

_OPEN = "(ARRAY["


def round_trip(expression: str) -> str:
    """`expression` (server-printed) rewritten so that it prints back the same way."""
    out: list[str] = []
    i = 0
    while i < len(expression):
        skipped = _skip_quoted(expression, i)
        if skipped != i:
            out.append(expression[i:skipped])
            i = skipped
            continue
        if expression.startswith(_OPEN, i):
            end = _closing(expression, i + len(_OPEN) - 1)
            if end is not None and expression.startswith("])::", end):
                elements = _split(expression[i + len(_OPEN):end])
                element_type = _common_cast(elements)
                if element_type is not None:
                    inner = round_trip(expression[i + len(_OPEN):end])
                    out.append(f"{_OPEN}{inner}]::{element_type}[]")
                    i = end + 1
                    continue
        out.append(expression[i])
        i += 1
    return "".join(out)


def _skip_quoted(text: str, i: int) -> int:
    """The position after a string literal or quoted name starting at `i` (or `i`)."""
    quote = text[i]
    if quote not in "'\"":
        return i
    j = i + 1
    while j < len(text):
        if text[j] == quote:
            if j + 1 < len(text) and text[j + 1] == quote:  # doubled: an escaped quote
                j += 2
                continue
            return j + 1
        j += 1
    return len(text)


def _closing(text: str, start: int) -> int | None:
    """The position of the bracket closing the one at `start` (quotes skipped)."""
    depth = 0
    i = start
    while i < len(text):
        skipped = _skip_quoted(text, i)
        if skipped != i:
            i = skipped
            continue
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _split(text: str) -> list[str]:
    """`text` split at its top-level commas (outside brackets and quotes)."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        skipped = _skip_quoted(text, i)
        if skipped != i:
            i = skipped
            continue
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
        elif text[i] == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
        i += 1
    parts.append(text[start:].strip())
    return parts


def _common_cast(elements: list[str]) -> str | None:
    """The type every element is cast to at its top level (``'a'::character varying``),
    if they all are and to the same type; None otherwise (nested arrays included)."""
    found: set[str] = set()
    for element in elements:
        cast = _top_level_cast(element)
        if cast is None or cast.endswith("]"):
            return None
        found.add(cast)
    return found.pop() if len(found) == 1 else None


def _top_level_cast(element: str) -> str | None:
    """What follows the last ``::`` outside brackets and quotes in `element`, if the
    element is a literal cast (``'text'::type``) — anything else is left alone."""
    if not element.startswith("'"):
        return None
    end = _skip_quoted(element, 0)
    if not element.startswith("::", end):
        return None
    cast = element[end + 2:]
    return cast if cast and "::" not in cast and "'" not in cast else None
