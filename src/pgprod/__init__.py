"""pgprod: run an app's PostgreSQL dev and prod databases, and move schema changes safely.

`Project`, `find` and `init` are imported when first used, so that `pgprod --help`
does not pay for the database driver."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgprod.errors import PgprodError

if TYPE_CHECKING:
    from pgprod.project import Project, find, init

__all__ = ["PgprodError", "Project", "find", "init"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("Project", "find", "init"):
        from pgprod import project

        return getattr(project, name)
    raise AttributeError(f"module 'pgprod' has no attribute {name!r}")
