"""The console's publish pages: the review of the pending change, publish with its live
log, the contract phase and rollback."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pgprod.console.app import Console


def routes(console: Console) -> list[BaseRoute]:
    return []
