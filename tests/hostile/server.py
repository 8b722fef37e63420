"""A hostile LEFI target for our own tests: every request under /<mode>/... is answered in that hostile way.

Raw asyncio streams rather than an ASGI app, so that it can send exactly the bytes a broken or malicious
server sends: bodies that never end, one byte a second, lying headers, nothing at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
FIFTY_MB = 50 * 1024 * 1024

XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://%s">]>\n'
    b'<soap:Envelope xmlns:soap="'
    + SOAP_NS.encode()
    + b'"><soap:Body><r>&xxe;</r></soap:Body></soap:Envelope>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<soap:Envelope xmlns:soap="'
    + SOAP_NS.encode()
    + b'"><soap:Body><r>&lol9;</r></soap:Body></soap:Envelope>'
)
QUADRATIC = (
    b'<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "' + b"x" * 50_000 + b'">]>\n'
    b'<soap:Envelope xmlns:soap="'
    + SOAP_NS.encode()
    + b'"><soap:Body><r>'
    + b"&a;" * 20_000
    + b"</r></soap:Body></soap:Envelope>"
)
FAULT_200 = (
    b'<soap:Envelope xmlns:soap="'
    + SOAP_NS.encode()
    + b'"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>'
    b"<faultstring>Internt fel</faultstring></soap:Fault></soap:Body></soap:Envelope>"
)

MODES = (
    "xxe",
    "billion-laughs",
    "quadratic",
    "huge",
    "endless",
    "no-answer",
    "drip",
    "invalid-utf8",
    "wrong-content-type",
    "missing-content-type",
    "truncated",
    "fault-200",
    "redirect-loop",
    "endless-close",
)


def _response(status: str, headers: dict[str, str], body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


class HostileServer:
    def __init__(self, secret_file: str = "/etc/hostname") -> None:
        self.secret_file = secret_file
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._ready = threading.Event()
        self.connections = 0

    async def _read_request(self, reader: asyncio.StreamReader) -> tuple[str, str]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        if length:
            await reader.readexactly(length)
        return method, path

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            _, path = await self._read_request(reader)
            mode = path.strip("/").split("/", 1)[0]
            xml = "/soap" in path or "wsdl" in path
            ctype = "text/xml; charset=utf-8" if xml else "application/json"
            await self._answer(mode, xml, ctype, path, writer)
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
            asyncio.CancelledError,
        ):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, mode: str, xml: bool, ctype: str, path: str, w: asyncio.StreamWriter) -> None:
        if mode == "xxe":
            w.write(_response("200 OK", {"Content-Type": "text/xml"}, XXE % self.secret_file.encode()))
        elif mode == "billion-laughs":
            w.write(_response("200 OK", {"Content-Type": "text/xml"}, BILLION_LAUGHS))
        elif mode == "quadratic":
            w.write(_response("200 OK", {"Content-Type": "text/xml"}, QUADRATIC))
        elif mode == "huge":
            w.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {FIFTY_MB}\r\n\r\n".encode()
            )
            chunk = (b"<a>" + b"x" * 65_530 + b"</a>") if xml else b" " * 65_536
            sent = 0
            while sent < FIFTY_MB:
                w.write(chunk[: FIFTY_MB - sent])
                sent += len(chunk)
                await w.drain()
        elif mode == "endless":
            w.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            )
            w.write(b"1\r\n<\r\n" if xml else b"1\r\n[\r\n")
            while True:
                w.write(b"400\r\n" + b"a" * 1024 + b"\r\n")
                await w.drain()
                await asyncio.sleep(0.001)
        elif (
            mode == "endless-close"
        ):  # no Content-Length, not chunked: the body ends when the connection does
            w.write(f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nConnection: close\r\n\r\n".encode())
            chunk = b"a" * 65_536
            while True:
                w.write(chunk)
                await w.drain()
        elif mode == "no-answer":
            await asyncio.sleep(3600)
        elif mode == "drip":
            body = b"<soap:Envelope/>" if xml else b'{"utlamnare": []}'
            w.write(
                f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            )
            for byte in body:
                w.write(bytes([byte]))
                await w.drain()
                await asyncio.sleep(1.0)
        elif mode == "invalid-utf8":
            body = (
                (b'<?xml version="1.0" encoding="UTF-8"?><r>\xff\xfe\xc3\x28</r>')
                if xml
                else b'{"a": "\xff\xfe"}'
            )
            w.write(_response("200 OK", {"Content-Type": ctype}, body))
        elif mode == "wrong-content-type":
            w.write(
                _response(
                    "200 OK", {"Content-Type": "text/html"}, b"<html><body>Welcome to nginx!</body></html>"
                )
            )
        elif mode == "missing-content-type":
            w.write(_response("200 OK", {}, b'{"utlamnare": []}' if not xml else b"<r/>"))
        elif mode == "truncated":
            body = (
                b'<soap:Envelope xmlns:soap="' + SOAP_NS.encode() + b'"><soap:Body><hamta'
                if xml
                else b'{"utlamnare": [{"utlamnare": {"kod": "FK"'
            )
            w.write(_response("200 OK", {"Content-Type": ctype}, body))
        elif mode == "fault-200":
            w.write(_response("200 OK", {"Content-Type": "text/xml; charset=utf-8"}, FAULT_200))
        elif mode == "redirect-loop":
            w.write(_response("302 Found", {"Location": path}, b""))
        else:
            w.write(
                _response("404 Not Found", {"Content-Type": "text/plain"}, f"unknown mode {mode}".encode())
            )
        await w.drain()

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]

        async def start() -> None:
            self._server = await asyncio.start_server(self._handle, sock=sock)

        self._loop.run_until_complete(start())
        self._ready.set()
        self._loop.run_forever()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}"

    @contextlib.contextmanager
    def running(self) -> Iterator[HostileServer]:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        self._ready.wait(10)
        try:
            yield self
        finally:
            assert self._loop is not None
            loop = self._loop

            async def shutdown() -> None:
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                loop.stop()

            asyncio.run_coroutine_threadsafe(shutdown(), loop)
            thread.join(5)
