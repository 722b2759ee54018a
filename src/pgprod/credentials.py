"""Role passwords: random, one per role per environment, in `.pgprod/secrets` (mode 0600)."""

from __future__ import annotations

import json
import os
import secrets as _random
from collections.abc import Iterable, Mapping
from pathlib import Path

from pgprod.errors import ConfigError

Passwords = dict[str, dict[str, str]]
RECOVER = "run `pgprod rotate --recover`, which gives every role a new password"


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
                          f"restore it from a backup, or {RECOVER}") from exc
    if not isinstance(data, dict) or not all(
            isinstance(roles, dict) and all(isinstance(v, str) for v in roles.values())
            for roles in data.values()):
        raise ConfigError("secrets file is not a JSON object of passwords", path,
                          f"restore it from a backup, or {RECOVER}")
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


def ensure(path: Path, wanted: Mapping[str, Iterable[str]],
           kept: Mapping[str, Iterable[str]] | None = None) -> Passwords:
    """Make sure every (environment, role) in `wanted` has a password; returns them all.

    `kept` names the passwords that live on a server already (an existing embedded
    cluster's superuser): a new one would not match, so their absence is a ConfigError
    pointing to `pgprod rotate --recover` instead of a password made up."""
    passwords = load(path)
    for env, roles in (kept or {}).items():
        missing = [r for r in roles if r not in passwords.get(env, {})]
        if missing:
            what = "no passwords" if env not in passwords else f"no {missing[0]} password"
            raise ConfigError(
                f"{what} for {env} in the secrets file, but its server exists", path,
                "a new password would not match the server's: restore the file from a "
                f"backup, or run `pgprod rotate --recover --env {env}`, which gives every "
                "role a new password")
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


def salvage(path: Path) -> Passwords:
    """What can be read of the secrets file, for `pgprod rotate --recover`: a damaged
    file is moved aside to `<name>.damaged` (replacing an older one; kept for
    inspection, still mode 0600) and counts as empty."""
    try:
        return load(path)
    except ConfigError:
        path.replace(path.with_name(path.name + ".damaged"))
        return {}
