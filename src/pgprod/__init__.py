"""pgprod: run an app's PostgreSQL dev and prod databases, and move schema changes safely."""

from pgprod.errors import PgprodError
from pgprod.project import Project, find, init

__all__ = ["PgprodError", "Project", "find", "init"]
__version__ = "0.1.0"
