"""A small loopback proxy in front of the reference provider that hides its test-only /_lefi endpoints (404),
so that it looks like a real deployment (or a mock of the published contract) to the gate."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


def _handler(upstream: str, hidden: str | None, seen: list[float] | None) -> type[BaseHTTPRequestHandler]:
    client = httpx.Client(base_url=upstream, timeout=60.0)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for k, v in headers:
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _forward(self) -> None:
            if seen is not None:
                seen.append(time.monotonic())  # list.append is atomic: one entry a request, from any thread
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if hidden is not None and self.path.startswith(hidden):
                self._answer(404, [("Content-Type", "application/json")], b'{"error": "not found"}')
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                resp = client.request(self.command, self.path, headers=headers, content=body)
            except httpx.LocalProtocolError:  # a header no HTTP/1.1 peer may send on: a front proxy says 400
                self._answer(400, [("Content-Type", "text/plain")], b"bad request header")
                return
            self._answer(resp.status_code, list(resp.headers.multi_items()), resp.content)

        def __getattr__(self, name: str) -> object:
            # every method goes through (do_GET, do_QUERY, ...), as through a real front proxy: the fuzzers
            # send undeclared ones and expect the provider's 405
            if name.startswith("do_"):
                return self._forward
            raise AttributeError(name)

    return Forward


@contextlib.contextmanager
def hiding_proxy(
    upstream: str, hidden: str | None = "/_lefi", seen: list[float] | None = None
) -> Iterator[str]:
    """Yield the proxy's base URL; every path under `hidden` answers 404 (None: nothing hidden), the rest is
    the upstream's; `seen` gets the arrival time (monotonic) of every request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream.rstrip("/"), hidden, seen))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
