"""The console's record pages: publish history, backups, previews, the action log and
the schema."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pgprod.console.app import Console


def routes(console: Console) -> list[BaseRoute]:
    return []
