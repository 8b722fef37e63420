"""A tiny stub/hostile HTTP server on loopback for the client tests: raw sockets, so it can misbehave exactly."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Seen, socket.socket], None]


def reply(sock: socket.socket, status: str, headers: dict[str, str], body: bytes) -> None:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(head.encode() + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)


@dataclass
class Stub:
    """Answers each request with the handler registered for its first path segment."""

    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, prefix: str, handler: Handler) -> str:
        self.routes[prefix] = handler
        return f"{self.url}/{prefix}"


def _read_request(sock: socket.socket) -> Seen:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Seen(method, path, headers, rest)


def drip(body: bytes, delay: float) -> Handler:
    def handler(seen: Seen, sock: socket.socket) -> None:
        sock.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        for b in body:
            sock.sendall(bytes([b]))
            time.sleep(delay)

    return handler


def endless(content_type: str) -> Handler:
    def handler(seen: Seen, sock: socket.socket) -> None:
        sock.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        while True:
            sock.sendall(chunk)

    return handler


@contextmanager
def serve() -> Iterator[Stub]:
    """Run a Stub in a thread until the block ends."""
    state = Stub()

    class H(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                seen = _read_request(self.request)
                state.seen.append(seen)
                first = seen.path.strip("/").split("/", 1)[0]
                handler = state.routes.get(first)
                if handler is None:
                    reply(self.request, "404 Not Found", {"Content-Type": "text/plain"}, b"no route")
                else:
                    handler(seen, self.request)
            except OSError:
                pass

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), H)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
