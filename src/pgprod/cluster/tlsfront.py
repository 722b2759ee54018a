"""The TLS front: TLS for a PostgreSQL server built without OpenSSL.

A small proxy speaking just enough of PostgreSQL's protocol to terminate TLS: a client's
SSLRequest is answered "S" and the TLS handshake follows; a TLS ClientHello straight
away (`sslnegotiation=direct`, libpq 17+) is taken with ALPN "postgresql" required; a
GSSENCRequest is answered "N". Once TLS is up, bytes are piped unchanged to the server
over plain TCP on loopback, CancelRequests inside TLS included. A plaintext
StartupMessage is refused with a FATAL ErrorResponse; a plaintext CancelRequest is
forwarded, as PostgreSQL itself accepts it whatever pg_hba.conf says (libpq's PQcancel,
psql's Ctrl-C, psycopg's `cancel()` send it unencrypted; it carries only a key).

The server sees every client as 127.0.0.1: `inet_client_addr()`, `pg_stat_activity` and
its log name the front's port, which the front logs beside the client's address at
DEBUG. One process, one event loop, no thread per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import ssl
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pgprod import daemon
from pgprod.daemon import Daemon

log = logging.getLogger(__name__)

SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102
TLS_HANDSHAKE = b"\x16"  # the first byte of a TLS record carrying a ClientHello
ALPN = "postgresql"
MAX_STARTUP = 10_000  # PostgreSQL's MAX_STARTUP_PACKET_LENGTH
NEGOTIATION_TIMEOUT = 30.0  # seconds for what precedes TLS, the handshake included
CHUNK = 256 * 1024
REFUSAL = ("pgprod: this server accepts TLS connections only: "
           "use sslmode=require or verify-full")


class _Refused(Exception):
    """A connection turned away: `reason` is logged, `reply` (if any) sent first."""

    def __init__(self, reason: str, reply: bytes = b"") -> None:
        super().__init__(reason)
        self.reply = reply


def error_response(message: str, sqlstate: str = "28000") -> bytes:
    """A protocol-level FATAL ErrorResponse (what the server sends before closing)."""
    fields = b"".join(code + text.encode() + b"\0" for code, text in
                      ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message)))
    return b"E" + struct.pack("!i", 4 + len(fields) + 1) + fields + b"\0"


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """TLS 1.2 or later with the server certificate; ALPN "postgresql" offered."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    context.set_alpn_protocols([ALPN])
    return context


def bind(listen: Sequence[str], port: int) -> list[socket.socket]:
    """Listening sockets on `port` for each address ("*": every IPv4 and IPv6 address;
    names resolve to all their addresses). Raises OSError if one cannot be bound."""
    addresses: dict[str, None] = {}
    for name in listen:
        for host in ["0.0.0.0", "::"] if name == "*" else [name]:
            for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                   flags=socket.AI_PASSIVE):
                addresses[str(sockaddr[0])] = None
    sockets: list[socket.socket] = []
    try:
        for host in addresses:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sockets.append(socket.create_server((host, port), family=family, backlog=512))
            sockets[-1].setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


async def serve(listen: Sequence[str], port: int, backend: tuple[str, int], cert: Path,
                key: Path, *, ready: Callable[[], None] | None = None,
                stop: asyncio.Event | None = None) -> None:
    """Accept TLS clients on `listen`:`port` and pipe them to `backend` until `stop` is
    set (forever without one); `ready` is called once every address is bound. Bind and
    certificate errors raise; nothing a client does ends the loop."""
    context = server_context(cert, key)
    listeners = bind(listen, port)
    connections: set[asyncio.Task[None]] = set()

    async def accept(listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, peer = await loop.sock_accept(listener)
            except OSError as exc:  # e.g. out of file descriptors: wait, do not die
                log.warning("tls front: accept failed: %s", exc)
                await asyncio.sleep(0.5)
                continue
            task = asyncio.create_task(_connection(sock, _name(peer), backend, context))
            connections.add(task)
            task.add_done_callback(connections.discard)

    acceptors = [asyncio.create_task(accept(listener)) for listener in listeners]
    log.info("tls front: %s -> %s:%d", ", ".join(_name(s.getsockname()) for s in listeners),
             *backend)
    if ready:
        ready()
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        for task in [*acceptors, *connections]:
            task.cancel()
        await asyncio.gather(*acceptors, *connections, return_exceptions=True)
        for listener in listeners:
            listener.close()


def run(listen: Sequence[str], port: int, backend: tuple[str, int], cert: Path, key: Path,
        ready: Callable[[], None] | None = None) -> None:
    """`serve` until SIGTERM or SIGINT (blocking; for a process of its own)."""
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await serve(listen, port, backend, cert, key, ready=ready, stop=stop)

    asyncio.run(main())


async def _connection(sock: socket.socket, peer: str, backend: tuple[str, int],
                      context: ssl.SSLContext) -> None:
    """One client, from its first byte to the end of its session."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    client = _Side()
    try:
        async with asyncio.timeout(NEGOTIATION_TIMEOUT):
            if not await _negotiate(sock, backend, context, client):
                sock.close()  # a probe that sent nothing, or a cancel forwarded
                return
    except asyncio.CancelledError:
        sock.close()
        raise
    except _Refused as refused:
        log.warning("tls front: refused %s: %s", peer, refused)
        if refused.reply:
            with contextlib.suppress(OSError):
                await asyncio.get_running_loop().sock_sendall(sock, refused.reply)
        sock.close()
        return
    except (OSError, EOFError, TimeoutError) as exc:  # gone, failed handshake, too slow
        log.warning("tls front: refused %s: %s", peer, str(exc) or repr(exc))
        sock.close()
        return
    server = _Side()
    try:
        await asyncio.get_running_loop().create_connection(lambda: server, *backend)
    except OSError as exc:
        log.warning("tls front: %s: server unreachable: %s", peer, exc)
        client.transport.write(error_response("pgprod: the server is not running", "57P03"))
        client.transport.close()
        return
    log.debug("tls front: %s is %s", peer, _name(server.transport.get_extra_info("sockname")))
    client.pair(server)
    try:
        await asyncio.gather(client.closed, server.closed)
    finally:  # stopped: drop both
        client.transport.abort()
        server.transport.abort()


async def _negotiate(sock: socket.socket, backend: tuple[str, int], context: ssl.SSLContext,
                     client: _Side) -> bool:
    """What precedes TLS, read off the raw socket (nothing buffered that TLS would miss).
    True once `client` is connected over TLS; False at once for a client that sends
    nothing (a port probe), or after a plaintext CancelRequest is forwarded."""
    loop = asyncio.get_running_loop()
    while True:
        first = await _peek(sock)
        if not first:
            return False
        if first == TLS_HANDSHAKE:
            await _start_tls(sock, context, client, direct=True)
            return True
        header = await _recv_exactly(sock, 8)
        length, code = struct.unpack("!ii", header)
        if code == SSL_REQUEST and length == 8:
            if _pending(sock):  # PostgreSQL refuses this too (CVE-2021-23214)
                raise _Refused("unencrypted data after SSLRequest")
            await loop.sock_sendall(sock, b"S")
            await _start_tls(sock, context, client, direct=False)
            return True
        if code == GSSENC_REQUEST and length == 8:
            await loop.sock_sendall(sock, b"N")
            continue
        if not 8 <= length <= MAX_STARTUP:
            raise _Refused(f"invalid startup packet length {length}")
        message = header + await _recv_exactly(sock, length - 8)
        if code == CANCEL_REQUEST:
            await _forward_cancel(message, backend)
            return False
        raise _Refused("a plaintext connection", error_response(REFUSAL))


async def _start_tls(sock: socket.socket, context: ssl.SSLContext, client: _Side,
                     direct: bool) -> None:
    transport, _ = await asyncio.get_running_loop().connect_accepted_socket(
        lambda: client, sock, ssl=context, ssl_handshake_timeout=NEGOTIATION_TIMEOUT)
    tls: ssl.SSLObject = transport.get_extra_info("ssl_object")
    if direct and tls.selected_alpn_protocol() != ALPN:
        transport.abort()  # libpq offers ALPN: without it, maybe another protocol's client
        raise _Refused(f"direct TLS without ALPN {ALPN!r}")


async def _forward_cancel(message: bytes, backend: tuple[str, int]) -> None:
    """Send a CancelRequest to the server on a connection of its own (no reply comes)."""
    with contextlib.suppress(OSError):
        _, writer = await asyncio.open_connection(*backend)
        writer.write(message)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


class _Side(asyncio.Protocol):
    """One side of a piped connection: what it receives is written to its peer; a peer
    whose buffer is full stops its reading (backpressure); its end (EOF, reset) ends
    the peer's after what is buffered is delivered. The client's EOF reaches the server
    as a TCP half-close, but asyncio's TLS cannot stay half-open, so either side's end
    ends the connection (PostgreSQL's protocol never half-closes)."""

    transport: asyncio.Transport

    def __init__(self) -> None:
        self.peer: _Side | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def pair(self, other: _Side) -> None:
        self.peer, other.peer = other, self
        self.transport.resume_reading()
        other.transport.resume_reading()
        if self.closed.done() or other.closed.done():  # one went while the other connected
            self.transport.close()
            other.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.peer is None:  # until both sides are connected
            transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        assert self.peer is not None  # read once paired
        self.peer.transport.write(data)

    def eof_received(self) -> bool:
        assert self.peer is not None
        if self.peer.transport.can_write_eof():
            self.peer.transport.write_eof()
        else:
            self.peer.transport.close()  # after what is buffered
        return False  # one side is TLS, which cannot stay half-open here

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.peer.transport.close()
        if not self.closed.done():
            self.closed.set_result(None)

    def pause_writing(self) -> None:
        if self.peer is not None:
            self.peer.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.peer is not None:
            self.peer.transport.resume_reading()


async def _peek(sock: socket.socket) -> bytes:
    """The first byte waiting on `sock`, left there (b"" at end of stream)."""
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(sock.fileno(), wake)
    try:
        await readable
    finally:
        loop.remove_reader(sock.fileno())
    return sock.recv(1, socket.MSG_PEEK)


async def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    loop = asyncio.get_running_loop()
    data = b""
    while len(data) < size:
        chunk = await loop.sock_recv(sock, size - len(data))
        if not chunk:
            raise EOFError("closed in the middle of a request")
        data += chunk
    return data


def _pending(sock: socket.socket) -> bool:
    with contextlib.suppress(BlockingIOError):
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    return False


def _name(address: tuple[str, int] | tuple[str, int, int, int]) -> str:
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def process(directory: Path) -> Daemon:
    """The front of the server in cluster directory `directory`, as a process of its own
    (`pgprod.daemon`), its files beside the server's."""
    pid_file = directory / "tlsfront.pid"
    return Daemon("the TLS front", "pgprod.cluster.tlsfront", ("--pid-file", str(pid_file)),
                  pid_file, directory / "tlsfront.log", directory / "tlsfront.lock")


def start(directory: Path, listen: str, port: int, backend_port: int, cert: Path,
          key: Path) -> int:
    """Start the front of the server in `directory` unless it runs already as asked
    (one started otherwise, or before the certificate was renewed, is replaced); its
    pid. Raises PgprodError when it does not start (its log says why)."""
    front = process(directory)
    args = ("--listen", listen, "--port", str(port), "--backend-port", str(backend_port),
            "--cert", str(cert), "--key", str(key))
    signature = " ".join(args) + f" {cert.stat().st_mtime_ns}"
    return front.start((*args, "--lock-file", str(front.lock), "--signature", signature),
                       signature)


def main(argv: Sequence[str] | None = None) -> int:
    """The front as a process: "ready" on stdout once listening, the log on stderr,
    SIGTERM to stop. With --pid-file, it is one of pgprod's processes (`pgprod.daemon`):
    it holds --lock-file and says it is ready in the pid file."""
    parser = argparse.ArgumentParser(prog="python -m pgprod.cluster.tlsfront",
                                     description="TLS in front of a PostgreSQL server.")
    parser.add_argument("--listen", default="localhost",
                        help="comma-separated addresses, as listen_addresses")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend-host", default="127.0.0.1")
    parser.add_argument("--backend-port", type=int, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--pid-file", type=Path)
    parser.add_argument("--lock-file", type=Path)
    parser.add_argument("--signature", default="")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    logging.Formatter.converter = time.gmtime
    listen = [a.strip() for a in args.listen.split(",") if a.strip()]
    pid_file: Path | None = args.pid_file

    def ready() -> None:
        print("ready", flush=True)  # one line for a parent waiting on it
        if pid_file is not None:
            daemon.ready(pid_file, args.signature)

    if pid_file is not None and daemon.hold(args.lock_file or pid_file.with_suffix(
            ".lock")) is None:
        log.info("another front holds %s; this one exits", args.lock_file)
        return 3
    try:
        run(listen, args.port, (args.backend_host, args.backend_port), args.cert, args.key,
            ready=ready)
    finally:
        if pid_file is not None:
            daemon.done(pid_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
