"""The TLS front (pgprod.cluster.tlsfront) in front of the embedded server, which has no
OpenSSL: verify-full through it, refusals, direct TLS, cancels, many clients, its cost."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg
import pytest

from pgprod import commands
from pgprod.cli import main
from pgprod.cluster import free_port, port_in_use, tls, tlsfront
from pgprod.cluster.tls import TlsFiles
from pgprod.conninfo import ConnInfo
from pgprod.errors import ConnectionFailed, PortInUse
from pgprod.project import Project, find
from tests.conftest import ProjectFactory


@dataclass(frozen=True)
class Front:
    port: int
    files: TlsFiles
    log: Path
    server: ConnInfo  # the embedded server, directly (plain TCP)
    pid: int

    def dsn(self, **params: str) -> str:
        """The server through the front, verify-full unless `params` say otherwise."""
        given = {"sslmode": "verify-full", "sslrootcert": str(self.files.ca_cert)} | params
        return self.server.with_(port=self.port, params=given).dsn()


@pytest.fixture(scope="module")
def front(scratch_server: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """`python -m pgprod.cluster.tlsfront` on a free port before the scratch server."""
    directory = tmp_path_factory.mktemp("tlsfront")
    files = TlsFiles(directory / "tls")
    tls.generate(files, "test", hosts=["127.0.0.1"])
    server = commands.environment(scratch_server, "dev").admin()
    port, log = free_port(), directory / "front.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pgprod.cluster.tlsfront", "--listen", "127.0.0.1",
             "--port", str(port), "--backend-port", str(server.port),
             "--cert", str(files.server_cert), "--key", str(files.server_key)],
            stdout=subprocess.PIPE, stderr=out)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n", log.read_text()
        yield Front(port, files, log, server, process.pid)
    finally:
        process.terminate()
        assert process.wait(10) == 0, log.read_text()


def _raw(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), 5)


def _recv_all(sock: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(4096):
            data += chunk
    return data


SSL_REQUEST = struct.pack("!ii", 8, tlsfront.SSL_REQUEST)
GSSENC_REQUEST = struct.pack("!ii", 8, tlsfront.GSSENC_REQUEST)


def test_verify_full_queries_and_large_results(front: Front) -> None:
    with psycopg.connect(front.dsn(), autocommit=True) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("SELECT 1").fetchone() == (1,)
        big = conn.execute("SELECT repeat('x', 10000000)").fetchone()
        assert big is not None and big[0] == "x" * 10_000_000
        rows = 0
        query = "COPY (SELECT g, md5(g::text) FROM generate_series(1, 100000) g) TO STDOUT"
        with conn.cursor().copy(query) as copy:
            for _ in copy.rows():
                rows += 1
        assert rows == 100_000
        conn.execute("CREATE TEMP TABLE t (n int, s text)")
        with conn.cursor().copy("COPY t FROM STDIN") as copy:
            for n in range(100_000):
                copy.write_row((n, f"row {n}"))
        assert conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (
            100_000, sum(range(100_000)))


def test_plaintext_is_refused(front: Front) -> None:
    with pytest.raises(psycopg.OperationalError, match="accepts TLS connections only"):
        psycopg.connect(front.dsn(sslmode="disable"))
    assert "refused 127.0.0.1" in front.log.read_text()
    # sslmode=prefer, libpq's default, negotiates TLS
    with psycopg.connect(front.dsn(sslmode="prefer")) as conn:
        assert conn.pgconn.ssl_in_use


def test_another_ca_fails_verify_full(front: Front, tmp_path: Path) -> None:
    other = TlsFiles(tmp_path / "other")
    tls.generate(other, "other", hosts=["127.0.0.1"])
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(front.dsn(sslrootcert=str(other.ca_cert)))


def test_a_name_not_in_the_certificate_fails_verify_full(front: Front) -> None:
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        psycopg.connect(front.server.with_(
            host="db.example", port=front.port,
            params={"hostaddr": "127.0.0.1", "sslmode": "verify-full",
                    "sslrootcert": str(front.files.ca_cert)}).dsn())


@pytest.mark.skipif(psycopg.pq.version() < 170000,
                    reason="sslnegotiation=direct needs libpq 17+")
def test_direct_tls(front: Front) -> None:
    with psycopg.connect(front.dsn(sslnegotiation="direct")) as conn:
        assert conn.pgconn.ssl_in_use
        # the front takes direct TLS only with ALPN "postgresql" (see the next test)
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_direct_tls_without_alpn_is_refused(front: Front) -> None:
    context = ssl.create_default_context(cafile=front.files.ca_cert)
    with _raw(front.port) as sock, context.wrap_socket(sock, server_hostname="127.0.0.1") as t:
        assert t.selected_alpn_protocol() is None
        assert _recv_all(t) == b""  # closed by the front
    assert "without ALPN" in front.log.read_text()


def test_gssenc_is_declined_then_tls(front: Front) -> None:
    context = ssl.create_default_context(cafile=front.files.ca_cert)
    with _raw(front.port) as sock:
        sock.sendall(GSSENC_REQUEST)
        assert sock.recv(1) == b"N"
        sock.sendall(SSL_REQUEST)
        assert sock.recv(1) == b"S"
        with context.wrap_socket(sock, server_hostname="127.0.0.1") as wrapped:
            # a startup message for a role that does not exist: the server answers
            startup = b"\0\3\0\0user\0nobody\0\0"
            wrapped.sendall(struct.pack("!i", 4 + len(startup)) + startup)
            assert wrapped.recv(1) in (b"R", b"E")


def test_bad_clients_do_not_stop_the_front(front: Front) -> None:
    with _raw(front.port) as sock:  # data after SSLRequest, before TLS (CVE-2021-23214)
        sock.sendall(SSL_REQUEST + b"\x16\x03\x01")
        assert _recv_all(sock) == b""
    with _raw(front.port) as sock:  # a handshake that is not one
        sock.sendall(SSL_REQUEST)
        assert sock.recv(1) == b"S"
        sock.sendall(b"\x16\x03\x01\x00\x05hello" * 10)
        _recv_all(sock)
    with _raw(front.port) as sock:  # nonsense length: closed, as PostgreSQL does
        sock.sendall(struct.pack("!ii", 1 << 30, 196608))
        assert _recv_all(sock) == b""
    with _raw(front.port) as sock:  # gone mid-request, and mid-handshake
        sock.sendall(b"\0\0")
    with _raw(front.port) as sock:
        sock.sendall(SSL_REQUEST)
        sock.recv(1)
        sock.sendall(b"\x16\x03")
    with _raw(front.port) as sock:  # reset
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.sendall(SSL_REQUEST)
    with psycopg.connect(front.dsn()) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize("how", ["cancel", "cancel_safe"])
def test_cancel_through_the_front(front: Front, how: str) -> None:
    """`cancel()` sends libpq's plaintext CancelRequest (forwarded), `cancel_safe()` one
    over TLS on a connection of its own (piped)."""
    with psycopg.connect(front.dsn(), autocommit=True) as conn:
        timer = threading.Timer(0.5, getattr(conn, how))
        timer.start()
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(30)")
        timer.join()
        assert time.monotonic() - started < 10
        assert conn.execute("SELECT 1").fetchone() == (1,)


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(ln for ln in status.splitlines() if ln.startswith("VmRSS")).split()[1]) / 1024


def test_a_client_that_stops_reading_is_not_buffered_for(front: Front) -> None:
    """Backpressure: 100 MB asked for and not read stay in the server, not the front;
    meanwhile others are served."""
    query = "COPY (SELECT repeat('z', 1000000) FROM generate_series(1, 100)) TO STDOUT"
    with psycopg.connect(front.dsn()) as slow, psycopg.connect(front.dsn()) as other:
        before = _rss_mb(front.pid)
        total = 0
        with slow.cursor().copy(query) as copy:
            for chunk in copy:
                if total == 0:
                    time.sleep(1)  # the server fills the buffers between, then waits
                    assert _rss_mb(front.pid) - before < 20
                    for _ in range(100):
                        assert other.execute("SELECT 1").fetchone() == (1,)
                total += len(chunk)
        assert total == 100 * 1_000_001


def test_a_client_gone_ends_its_server_session(front: Front) -> None:
    conn = psycopg.connect(front.dsn())
    pid = conn.info.backend_pid
    gone = socket.socket(fileno=os.dup(conn.pgconn.socket))
    gone.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    gone.close()  # a reset, as from a client that died
    conn.close()
    with psycopg.connect(front.server.dsn(), autocommit=True) as direct:
        for _ in range(100):
            if not direct.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                  (pid,)).fetchone():
                break
            time.sleep(0.05)
        else:
            pytest.fail("the server session outlived its client")


def test_a_server_session_ended_reaches_the_client(front: Front) -> None:
    with psycopg.connect(front.dsn()) as conn:
        with psycopg.connect(front.server.dsn(), autocommit=True) as direct:
            direct.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
        with pytest.raises(psycopg.OperationalError, match="terminating connection"):
            conn.execute("SELECT 1")


def test_fifty_concurrent_connections(front: Front) -> None:
    pids: list[int] = []
    errors: list[BaseException] = []

    def client() -> None:
        try:
            with psycopg.connect(front.dsn(), autocommit=True) as conn:
                assert conn.pgconn.ssl_in_use
                row = conn.execute("SELECT pg_backend_pid(), pg_sleep(0.5)").fetchone()
                assert row is not None
                pids.append(row[0])
                conn.execute("SELECT repeat('y', 1000000)").fetchone()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(pids)) == 50


def test_serve_in_a_thread_ready_stop_and_no_server(tmp_path: Path) -> None:
    """The API `pgprod up` uses: `ready` once bound, `stop` ends it and frees the port;
    with nothing behind it, a client is told the server is not running."""
    files = TlsFiles(tmp_path / "tls")
    tls.generate(files, "test", hosts=["127.0.0.1"])
    port, nothing = free_port(), free_port()
    bound = threading.Event()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def run() -> None:
        loop.run_until_complete(tlsfront.serve(
            ["127.0.0.1"], port, ("127.0.0.1", nothing), files.server_cert,
            files.server_key, ready=bound.set, stop=stop))

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert bound.wait(10)
        dsn = (f"host=127.0.0.1 port={port} user=x password=y sslmode=verify-full "
               f"sslrootcert={files.ca_cert}")
        with pytest.raises(psycopg.OperationalError, match="the server is not running"):
            psycopg.connect(dsn)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
    assert not thread.is_alive()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # free again


def test_bind_fails_loudly() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken, pytest.raises(OSError):
        tlsfront.bind(["127.0.0.1"], taken.getsockname()[1])


def _round_trips(dsn: str, count: int) -> float:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT 1")
        started = time.perf_counter()
        for _ in range(count):
            conn.execute("SELECT 1").fetchone()
        return time.perf_counter() - started


def _hundred_mb(dsn: str) -> float:
    with psycopg.connect(dsn, autocommit=True) as conn:
        started = time.perf_counter()
        total = 0
        with conn.cursor().copy(
                "COPY (SELECT repeat('z', 1000000) FROM generate_series(1, 100)) TO STDOUT"
        ) as copy:
            for chunk in copy:
                total += len(chunk)
        assert total >= 100_000_000
        return time.perf_counter() - started


def test_overhead(front: Front) -> None:
    """What the front costs against the server directly (plain TCP), same run: printed
    (`pytest -s`), and bounded loosely so a machine under load does not fail it."""
    direct = front.server.dsn()
    trips = _round_trips(front.dsn(), 2000), _round_trips(direct, 2000)
    copies = _hundred_mb(front.dsn()), _hundred_mb(direct)
    latency, throughput = trips[0] / trips[1], copies[1] / copies[0]
    print(f"\nTLS front: SELECT 1 round trip {trips[0] / 2:.3f} ms against "
          f"{trips[1] / 2:.3f} ms direct ({latency:.2f}x); 100 MB in {copies[0]:.2f} s "
          f"against {copies[1]:.2f} s ({throughput:.2f}x the direct throughput)")
    assert latency < 20 and throughput > 0.1


# -- prod behind the front: `pgprod up` starts it, `down` stops it --------------------------


def test_prod_beyond_loopback_gets_the_front(new_project: ProjectFactory,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """On every address (tls = "auto", binaries without OpenSSL) prod is reached through
    the front with verify-full, plaintext is refused, and the server itself listens on
    loopback at a port of its own; `down` stops the front, `up` brings it back on the
    same ports, and `tls = "off"` on loopback takes it away again."""
    project = new_project({"prod": {"listen_addresses": "0.0.0.0"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    assert prod.fronted and prod.tls
    url = prod.conninfo("app")
    assert url.port == prod.config.port and url.params["sslmode"] == "verify-full"
    with psycopg.connect(url.dsn()) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("SELECT current_user").fetchone() == (prod.names("app"),)
    with pytest.raises(psycopg.OperationalError, match="accepts TLS connections only"):
        psycopg.connect(url.with_(params={"sslmode": "disable"}).dsn(), connect_timeout=5)
    backend = prod.backend_port()
    assert backend != prod.config.port
    # what clients beyond loopback call it, which verify-full checks
    assert {socket.gethostname(), socket.getfqdn(), "127.0.0.1"} <= tls.names(project.tls)
    with prod.connect_admin() as conn:  # pgprod's own: to the server, on loopback
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW port").fetchone() == (str(backend),)
        assert conn.execute("SHOW ssl").fetchone() == ("off",)
    status = commands.status(project, ["prod"])[0]
    assert (status.tls, status.tls_front, status.port) == (True, True, prod.config.port)
    assert main(["--project", str(project.root), "sql", "prod", "SELECT 41 + 1 AS answer"]) == 0
    assert "42" in capsys.readouterr().out

    pid = prod.front().running()
    commands.down(project, ["prod"])
    assert prod.front().running() is None and not port_in_use("127.0.0.1", prod.config.port)
    assert (pid is not None and not psutil.pid_exists(pid)) or \
        psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    status = commands.status(project, ["prod"])[0]
    assert (status.running, status.tls_front) == (False, False)
    commands.up(project, ["prod"])
    assert prod.backend_port() == backend and prod.front().running() not in (None, pid)
    with psycopg.connect(url.dsn()) as conn:
        assert conn.pgconn.ssl_in_use

    toml = project.root / "pgprod.toml"
    toml.write_text(toml.read_text().replace('listen_addresses = "0.0.0.0"',
                                             'listen_addresses = "127.0.0.1"')
                    .replace('tls = "auto"', 'tls = "off"'))  # prod's alone is "auto"
    project = find(project.root)
    prod = commands.environment(project, "prod")
    commands.up(project, ["prod"])  # the server moves back to prod's port
    assert not prod.fronted and prod.front().running() is None
    with psycopg.connect(prod.conninfo("app").dsn()) as conn:
        assert not conn.pgconn.ssl_in_use
        assert conn.execute("SHOW port").fetchone() == (str(prod.config.port),)


def test_a_front_that_died_is_said_and_brought_back(new_project: ProjectFactory,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """tls = "on" on loopback also puts the front before the wheel's server. Killed, a
    role's connection says the front is not running and how to start it, pgprod's own
    work goes on, and `up` starts it again."""
    project = new_project({"prod": {"tls": "on"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    pid = prod.front().running()
    assert pid is not None
    os.kill(pid, 9)
    deadline = time.monotonic() + 10
    while prod.front().running() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(ConnectionFailed) as failed:
        prod.connect("app")
    assert failed.value.hint == "prod's TLS front is not running: run `pgprod up prod`"
    status = commands.status(project, ["prod"])[0]
    assert status.running and status.tls_front is False
    assert main(["--project", str(project.root), "status"]) == 0
    assert "TLS front is not running" in " ".join(capsys.readouterr().out.split())
    with socket.create_server(("127.0.0.1", prod.config.port)), \
            pytest.raises(PortInUse, match=f"port {prod.config.port} for prod"):
        commands.up(project, ["prod"])  # another program took the front's port
    commands.up(project, ["prod"])
    with prod.connect("app") as conn:
        assert conn.pgconn.ssl_in_use
    (recovered,) = commands.recover(project, ["prod"])  # restarts the server behind it
    assert recovered.running
    with commands.environment(find(project.root), "prod").connect("app") as conn:
        assert conn.pgconn.ssl_in_use
