"""Embedded PostgreSQL clusters: binaries, the OS user that runs them, TLS, lifecycle."""

from pgprod.cluster.binaries import Binaries, locate
from pgprod.cluster.lock import EnvironmentBusy
from pgprod.cluster.osuser import ServerUser, reachable_binaries, server_user
from pgprod.cluster.server import Cluster, free_port, port_in_use
from pgprod.cluster.tls import TlsFiles

__all__ = [
    "Binaries",
    "Cluster",
    "EnvironmentBusy",
    "ServerUser",
    "TlsFiles",
    "free_port",
    "locate",
    "port_in_use",
    "reachable_binaries",
    "server_user",
]
