"""A server home: where a project's clusters live when the server's OS user cannot
reach the project.

When pgprod runs as root and the project sits where the server's OS user cannot enter
(root's home, a 0700 temporary directory), the clusters and prod's backups (its WAL
archive, which the server writes; base backups and replaced data directories, which are
renamed to and from the clusters and so must be on the same filesystem) go to a
directory of their own under the first of `ROOTS` that is writable and reachable:

  /var/lib/pgprod/projects/<name>-<random>/
      clusters/<env>/      as under .pgprod/ otherwise (owned by the server's OS user)
      backups/prod/
      project -> /root/myapp   which project it belongs to (dangling once it is deleted)

The home and the folders above the clusters belong to root with mode 711, like
`.pgprod/`: the server's OS user passes through them to its own cluster directories and
can neither list them nor touch the lock files and records pgprod keeps beside them.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from pgprod.cluster.osuser import can_reach
from pgprod.errors import PermissionProblem

ROOTS = (Path("/var/lib/pgprod/projects"), Path("/var/tmp/pgprod/projects"))
"""Where homes go, in order of preference: /var/lib is kept across reboots and never
cleaned; /var/tmp is kept across reboots too, but some systems delete files there that
nobody touched for a month (systemd-tmpfiles), so it is only the fallback for a
read-only /var/lib."""

BACK_LINK = "project"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def create(label: str, os_user: str, roots: Sequence[Path] = ROOTS) -> Path:
    """Make a new, empty home for a project under the first of `roots` that root can
    write and `os_user` can reach; returns it (the caller links it to the project).

    Its name is the project's `label` and a random part, so a project deleted and made
    again in the same place never finds its predecessor's clusters."""
    slug = _UNSAFE.sub("-", label).strip("-.")[:40] or "project"
    tried = []
    for root in roots:
        if not can_reach(os_user, root):  # judged on what exists: the rest is made passable
            tried.append(root)
            continue
        try:
            _make_passable(root)
            home = root / f"{slug}-{secrets.token_hex(4)}"
            home.mkdir(mode=0o711)
        except OSError:
            tried.append(root)
            continue
        os.chmod(home, 0o711)
        if not can_reach(os_user, home):
            home.rmdir()
            tried.append(root)
            continue
        return home
    raise PermissionProblem(
        tried[0] if tried else Path("/var/lib/pgprod"), os_user,
        "it cannot enter the project directory, and none of "
        f"{', '.join(str(r) for r in roots)} could hold its clusters: run "
        "`chmod o+x` on the project's parent directories, or move the project",
    )


def _make_passable(root: Path) -> None:
    """Create `root` and its missing parents: traversable by everyone, listable by root
    only at the last level (the homes' names say which projects exist)."""
    missing = [d for d in (*reversed(root.parents), root) if not d.exists()]
    for directory in missing:
        directory.mkdir(mode=0o755, exist_ok=True)  # or made meanwhile by another pgprod
        os.chmod(directory, 0o711 if directory == root else 0o755)


def orphans(roots: Sequence[Path] = ROOTS) -> list[Path]:
    """Server homes whose project is gone (their `project` link leads nowhere), to be
    removed once their servers are stopped (read-only)."""
    return sorted(h for root in roots if root.is_dir() for h in root.iterdir()
                  if (h / BACK_LINK).is_symlink() and not (h / BACK_LINK).exists())
