"""TLS for client tools built without it: a loopback relay that makes the TLS connection.

The embedded wheel's pg_dump and pg_restore have no OpenSSL, and a managed prod accepts
TLS connections only (so does an embedded server with `tls = "on"`). While
`plaintext_to(info)` runs, a relay on a loopback port takes the tool's plaintext
connection, opens one to the server, asks it for TLS (SSLRequest), checks the server's
certificate as `info`'s sslmode says (`require`: encryption only, unless an sslrootcert
is given; `verify-ca`: signed by sslrootcert, or by the system's CAs when
`sslrootcert=system` or none is given; `verify-full`: and naming the host), presents
sslcert/sslkey when given, and then pipes bytes both ways unchanged but for one thing:
authentication is between the tool and the server, SCRAM without channel binding, so
the relay leaves SCRAM-SHA-256-PLUS out of the mechanisms the server offers (libpq
refuses it on a connection it sees as plaintext). The certificate check is then all
that ties the session to the server: with `sslmode=require` and no sslrootcert, no more
than encryption. Only this
process's tools know the port, and the relay lives as long as the block.

The counterpart of `pgprod.cluster.tlsfront`, which is TLS for a server built without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from types import MappingProxyType

from pgprod.cluster.tlsfront import ALPN, SSL_REQUEST, error_response
from pgprod.conninfo import ConnInfo

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
TLS_MODES = ("require", "verify-ca", "verify-full")
CHUNK = 256 * 1024
SASL = 10  # AuthenticationSASL: the mechanisms the server offers
# what a relayed connection no longer needs: TLS is the relay's
_TLS_PARAMS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword",
               "channel_binding", "sslnegotiation", "sslsni", "hostaddr")


def needed(info: ConnInfo) -> bool:
    """Whether `info` asks for TLS (a tool without it cannot connect by itself)."""
    return info.params.get("sslmode", "") in TLS_MODES


def context(params: Mapping[str, str]) -> ssl.SSLContext:
    """The TLS client context libpq would use for these connection parameters."""
    mode = params.get("sslmode", "require")
    root = params.get("sslrootcert", "")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.set_alpn_protocols([ALPN])
    if mode == "require" and not root:
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    else:
        tls.check_hostname = mode == "verify-full"
        if root and root != "system":
            tls.load_verify_locations(root)
        else:
            tls.load_default_certs()
    if params.get("sslcert"):
        tls.load_cert_chain(params["sslcert"], params.get("sslkey") or None)
    return tls


@contextlib.contextmanager
def plaintext_to(info: ConnInfo) -> Iterator[ConnInfo]:
    """`info` for a tool without TLS: as it is when it asks for none, else the relay's
    loopback address (sslmode=disable) while the block runs. Its certificate checks
    fail each connection the way libpq's would, with the reason in an ErrorResponse."""
    if not needed(info):
        yield info
        return
    tls = context(info.params)
    loop = asyncio.new_event_loop()
    started: Future[asyncio.Server] = Future()
    thread = threading.Thread(target=_run, args=(loop, info, tls, started), daemon=True,
                              name="pgprod-tls-relay")
    thread.start()
    server = started.result(timeout=10)
    port = server.sockets[0].getsockname()[1]
    params = {k: v for k, v in info.params.items() if k not in _TLS_PARAMS}
    try:
        yield info.with_(host=LOOPBACK, port=port,
                         params=MappingProxyType(params | {"sslmode": "disable"}))
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def _run(loop: asyncio.AbstractEventLoop, info: ConnInfo, tls: ssl.SSLContext,
         started: Future[asyncio.Server]) -> None:
    asyncio.set_event_loop(loop)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _relay(reader, writer, info, tls)

    try:
        server = loop.run_until_complete(asyncio.start_server(handle, LOOPBACK, 0))
    except OSError as exc:
        started.set_exception(exc)
        return
    started.set_result(server)
    try:
        loop.run_forever()
    finally:
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        loop.close()


async def _relay(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter,
                 info: ConnInfo, tls: ssl.SSLContext) -> None:
    """One tool connection: TLS to the server, then bytes piped until either side ends."""
    try:
        reader, writer = await asyncio.open_connection(info.host, info.port)
        writer.write(struct.pack("!ii", 8, SSL_REQUEST))
        await writer.drain()
        answer = await reader.readexactly(1)
        if answer != b"S":
            raise ConnectionError(f"{info.host}:{info.port} does not offer TLS")
        await writer.start_tls(tls, server_hostname=info.host)
    except (OSError, EOFError, ssl.SSLError, asyncio.IncompleteReadError) as exc:
        log.warning("tls relay: %s:%s: %s", info.host, info.port, exc)
        client_writer.write(error_response(
            f"pgprod's TLS relay to {info.host}:{info.port} failed: {exc}", "08001"))
        with contextlib.suppress(OSError):
            await client_writer.drain()
        client_writer.close()
        return
    pipes = [asyncio.create_task(_pipe(client_reader, writer)),
             asyncio.create_task(_pipe(reader, client_writer, first=_without_plus))]
    try:
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in pipes:
            task.cancel()
        for side in (writer, client_writer):
            side.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                first: Callable[[bytes, bytes], bytes] | None = None) -> None:
    """Bytes from `source` to `sink` until either ends; the first message (type byte,
    length, body) through `first` when given."""
    with contextlib.suppress(OSError, ssl.SSLError, asyncio.IncompleteReadError):
        if first is not None:
            header = await source.readexactly(5)
            (length,) = struct.unpack("!i", header[1:])
            body = await source.readexactly(length - 4)
            sink.write(first(header[:1], body))
            await sink.drain()
        while chunk := await source.read(CHUNK):
            sink.write(chunk)
            await sink.drain()


def _without_plus(kind: bytes, body: bytes) -> bytes:
    """The server's first message, with SCRAM's channel-binding variant left out of an
    AuthenticationSASL: the tool's side of the relay is plaintext, where libpq refuses
    a server that offers it (it would mean TLS was stripped, as it is, by the relay
    that made the TLS connection and checked its certificate itself)."""
    (code,) = struct.unpack("!i", body[:4]) if len(body) >= 4 else (None,)
    if kind != b"R" or code != SASL:
        return kind + struct.pack("!i", len(body) + 4) + body
    mechanisms = [m for m in body[4:].split(b"\0") if m and not m.endswith(b"-PLUS")]
    body = body[:4] + b"".join(m + b"\0" for m in mechanisms) + b"\0"
    return kind + struct.pack("!i", len(body) + 4) + body
