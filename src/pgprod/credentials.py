"""Role passwords: random, one per role per environment, in `.pgprod/secrets` (mode 0600)."""

from __future__ import annotations

import json
import os
import secrets as _random
from collections.abc import Iterable, Mapping
from pathlib import Path

from pgprod.errors import ConfigError

Passwords = dict[str, dict[str, str]]


def new_password() -> str:
    return _random.token_urlsafe(24)


def load(path: Path) -> Passwords:
    """Read the secrets file; a missing file is an empty store."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"unreadable secrets file ({exc})", path,
                          "restore it from a backup, or remove it and run `pgprod rotate`") from exc
    if not isinstance(data, dict):
        raise ConfigError("secrets file is not a JSON object", path)
    return {env: dict(roles) for env, roles in data.items()}


def save(path: Path, passwords: Mapping[str, Mapping[str, str]]) -> None:
    """Replace the secrets file atomically; it is never readable by others, even briefly."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(passwords, out, indent=2, sort_keys=True)
        out.write("\n")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def ensure(path: Path, wanted: Mapping[str, Iterable[str]]) -> Passwords:
    """Make sure every (environment, role) in `wanted` has a password; returns them all."""
    passwords = load(path)
    changed = not path.exists()
    for env, roles in wanted.items():
        for role in roles:
            if role not in passwords.setdefault(env, {}):
                passwords[env][role] = new_password()
                changed = True
    if changed:
        save(path, passwords)
    return passwords


def forget(path: Path, env: str) -> None:
    """Remove `env`'s passwords from the secrets file (nothing when it has none)."""
    passwords = load(path)
    if passwords.pop(env, None) is not None:
        save(path, passwords)
