"""Scripted loopback servers for the network fault tests (`test_faults.py`).

The fake web (`fakeweb.py`) answers well-formed HTTP; the faults need a server that misbehaves
on purpose: one that resets a connection half-way through a body, sends a byte a second,
announces ten gigabytes, cuts a gzip stream, serves a certificate that is expired or for
another name, or speaks HTTP/2 and sends GOAWAY. Each `FaultServer` listens on 127.0.0.1 (port
0), runs a *script* (a plain function) on every connection it accepts, in a daemon thread, and
records what it saw. `stop` closes every socket, so a script blocked on one ends at once and
teardown never waits for a misbehaving server.

The tests reach a server through the checker's own connect-time hook: `fakeweb.Loopback`'s
`extra` map sends a fake public address to `("127.0.0.1", server.port)`.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import trustme

Script = Callable[["Peer"], None]
"""What a server does with one accepted connection."""


class Gone(Exception):
    """The client closed the connection (or the server is stopping): the script ends."""


@dataclass
class Seen:
    """A request a fault server received."""

    method: str
    path: str
    at: float
    """When it arrived, on the server's clock (see `FaultServer.clock`)."""
    connection: int
    """Which accepted connection it came on (0, 1, ...)."""


class Peer:
    """One accepted connection, as a script sees it."""

    def __init__(self, server: FaultServer, sock: socket.socket, number: int) -> None:
        self.server = server
        self.sock = sock
        self.number = number
        self._buffer = b""

    def request(self) -> Seen | None:
        """Read one request's head (GET and HEAD have no body) and record it; None when the
        client closed the connection instead."""
        while b"\r\n\r\n" not in self._buffer:
            data = self.recv()
            if not data:
                return None
            self._buffer += data
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        method, path, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        return self.server.record(method, path, self.number)

    def recv(self) -> bytes:
        """What the client sends next; b"" once it has closed."""
        if self.server.stopping.is_set():
            raise Gone
        try:
            return self.sock.recv(65536)
        except OSError as error:
            raise Gone from error

    def send(self, data: bytes) -> None:
        """Send all of `data`; raises Gone when the client has gone away."""
        if self.server.stopping.is_set():
            raise Gone
        try:
            self.sock.sendall(data)
        except OSError as error:
            raise Gone from error

    def drip(self, data: bytes, interval: float) -> None:
        """Send `data` one byte every `interval` seconds."""
        for byte in data:
            self.send(bytes([byte]))
            self.pause(interval)

    def pause(self, seconds: float) -> None:
        """Wait, unless the server is stopping."""
        if self.server.stopping.wait(seconds):
            raise Gone

    def reset(self) -> None:
        """Abort the connection: with SO_LINGER 0, closing sends a TCP RST, not a FIN."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError as error:  # closed already (the server is stopping)
            raise Gone from error
        self.sock.close()

    def finish(self) -> None:
        """Close gracefully: send FIN, then read until the client closes too (for at most a
        second), so that nothing unread turns the close into a reset."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(1.0)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass
        self.sock.close()


@dataclass
class FaultServer:
    """A loopback server that runs `script` on every connection, each in a daemon thread."""

    script: Script
    tls: ssl.SSLContext | None = None
    """Wrap every connection in TLS with this server context."""
    clock: Callable[[], float] = time.monotonic
    """What `Seen.at` is read from (a test on trio's MockClock passes its `current_time`)."""
    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    connections: int = 0
    """Connections accepted (a failed TLS handshake included)."""
    ended: int = 0
    """Connections whose script has ended (the client went away, or the script was done)."""
    handshakes: list[str] = field(default_factory=list)
    """The ALPN protocol of every completed TLS handshake ("" when none was chosen)."""
    tls_errors: list[str] = field(default_factory=list)
    """Handshakes that failed, and why (the client refusing the certificate, say)."""
    stopping: threading.Event = field(default_factory=threading.Event)
    _listener: socket.socket | None = None
    _open: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FaultServer:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self._listener = listener
        self.port = listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection; threads end on their own."""
        self.stopping.set()
        with self._lock:
            sockets = [self._listener, *self._open] if self._listener else list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept or recv
            sock.close()

    def record(self, method: str, path: str, connection: int) -> Seen:
        seen = Seen(method, path, self.clock(), connection)
        with self._lock:
            self.requests.append(seen)
        return seen

    def count(self, path: str | None = None) -> int:
        """Requests received (for `path`)."""
        return sum(1 for seen in self.requests if path is None or seen.path == path)

    def _accept(self) -> None:
        assert self._listener is not None
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                number = self.connections
                self.connections += 1
                self._open.append(sock)
            threading.Thread(target=self._serve, args=(sock, number), daemon=True).start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        try:
            if self.tls is not None:
                try:
                    sock = self.tls.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError) as error:
                    self.tls_errors.append(str(error))
                    return
                self.handshakes.append(sock.selected_alpn_protocol() or "")
                with self._lock:
                    self._open.append(sock)
            self.script(Peer(self, sock, number))
        except Gone:
            pass
        finally:
            sock.close()
            with self._lock:
                self.ended += 1


# HTTP/1.1 answers ------------------------------------------------------------------------------


def head(status: int, headers: dict[str, str] | None = None) -> bytes:
    """An answer's status line and headers, as sent."""
    lines = [f"HTTP/1.1 {status} Whatever"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """A whole answer with a Content-Length (the body is left out for HEAD by `answering`)."""
    return head(status, {**(headers or {}), "Content-Length": str(len(body))}) + body


def answering(reply: Callable[[Seen, int], bytes]) -> Script:
    """A keep-alive server: every request gets `reply(request, number)`, where `number` counts
    the server's requests from 0; a HEAD gets only the head of it."""

    def script(peer: Peer) -> None:
        while (seen := peer.request()) is not None:
            data = reply(seen, peer.server.count() - 1)
            if seen.method == "HEAD":
                data = data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            peer.send(data)

    return script


HTML = "text/html; charset=utf-8"


def html(title: str, size: int = 0) -> bytes:
    """A page, padded with varied text to at least `size` bytes (so that it compresses about
    as much as a real page does)."""
    words = b" ".join(b"word%d" % (n * 7919 % 100003) for n in range(size // 8 + 1))
    return b"<!doctype html><title>%s</title><p>%s</p>" % (title.encode(), words[:size])


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6)


def bomb(size: int, coding: str = "gzip") -> bytes:
    """`size` zero bytes in the Content-Encoding `coding`: "gzip", "deflate" (zlib-wrapped), or
    a stack of them such as "gzip, gzip" (applied in order). The first coding shrinks them
    about a thousand times, and is done a megabyte at a time so as not to hold `size` bytes."""
    first, *rest = [part.strip() for part in coding.split(",")]
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | (16 if first == "gzip" else 0))
    block = bytes(1 << 20)
    data = b"".join([*(packer.compress(block) for _ in range(size >> 20)), packer.flush()])
    for again in rest:
        data = gzip.compress(data) if again == "gzip" else zlib.compress(data)
    return data


# TLS -------------------------------------------------------------------------------------------


def server_context(cert: trustme.LeafCert, alpn: list[str] | None = None) -> ssl.SSLContext:
    """A server TLS context presenting `cert` (and offering `alpn`)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


def expired_cert(ca: trustme.CA, *names: str) -> trustme.LeafCert:
    """A certificate from `ca` for `names` that expired yesterday."""
    now = datetime.datetime.now(datetime.UTC)
    return ca.issue_cert(
        *names,
        not_before=now - datetime.timedelta(days=30),
        not_after=now - datetime.timedelta(days=1),
    )


def self_signed_context(name: str) -> ssl.SSLContext:
    """A server context presenting a self-signed certificate for `name`: a CA's own
    certificate and key, the CA being `name` itself and trusted by no one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    blob = trustme.Blob(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with blob.tempfile() as path:
        context.load_cert_chain(path)
    return context


# HTTP/2 ----------------------------------------------------------------------------------------


def h2_goaway(
    streams: list[int | None],
    *,
    eager: bool = False,
    body: bytes = b"<!doctype html><title>h2</title>",
) -> Script:
    """An HTTP/2 server (over TLS with ALPN h2). Its n-th connection answers `streams[n]`
    requests (the last entry for every later connection; None: all of them), then sends
    GOAWAY naming the last stream it answered (0 when none) and closes gracefully: on the
    next request, or at once (`eager`: the connection is idle on the client's side when
    GOAWAY comes). What a server that is restarting, or that caps the requests of a
    connection (nginx's `keepalive_requests`), does."""

    def script(peer: Peer) -> None:
        config = h2.config.H2Configuration(client_side=False)
        conn = h2.connection.H2Connection(config=config)
        conn.initiate_connection()
        peer.send(conn.data_to_send())
        answered, last = 0, 0
        most = streams[min(peer.number, len(streams) - 1)]

        def goaway() -> None:
            conn.close_connection(last_stream_id=last)
            peer.send(conn.data_to_send())
            peer.finish()

        if eager and most == 0:
            goaway()
            return
        while data := peer.recv():
            for event in conn.receive_data(data):
                if not isinstance(event, h2.events.RequestReceived):
                    continue
                fields = {bytes(k).decode(): bytes(v).decode() for k, v in event.headers or []}
                peer.server.record(fields[":method"], fields[":path"], peer.number)
                if most is not None and answered >= most:
                    goaway()
                    return
                sid = event.stream_id
                reply = [(":status", "200"), ("content-type", HTML)]
                if fields[":method"] == "HEAD":
                    conn.send_headers(sid, [*reply, ("content-length", str(len(body)))], True)
                else:
                    conn.send_headers(sid, [*reply, ("content-length", str(len(body)))])
                    conn.send_data(sid, body, end_stream=True)
                answered, last = answered + 1, sid
            peer.send(conn.data_to_send())
            if eager and most is not None and answered >= most:
                goaway()
                return

    return script
