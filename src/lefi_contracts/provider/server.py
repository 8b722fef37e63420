"""Run the provider under uvicorn: in a background thread for tests (`running_provider`) or blocking (`serve`)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from lefi_contracts.errors import UsageError
from lefi_contracts.provider.app import create_app
from lefi_contracts.provider.config import ProviderConfig
from lefi_contracts.provider.tls import PeerCertProtocol


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then (else ~40 ms Nagle stalls)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _uvicorn_config(config: ProviderConfig, ssl: dict[str, Any] | None, **extra: Any) -> uvicorn.Config:
    ssl_kwargs = {f"ssl_{k}" if not k.startswith("ssl_") else k: v for k, v in (ssl or {}).items()}
    if ssl:  # hand the verified client certificate to the app (uvicorn does not; see provider/tls.py)
        extra.setdefault("http", PeerCertProtocol)
    cfg = uvicorn.Config(
        create_app(config),
        access_log=False,
        lifespan="off",
        **ssl_kwargs,
        **{"log_level": "warning", **extra},
    )
    try:
        cfg.load()  # builds the TLS context now: a bad certificate is a usage error, not a thread's traceback
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot set up TLS: {exc.__class__.__name__}: {exc}") from None
    return cfg


def _url(host: str, port: int, ssl: dict[str, Any] | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if ssl else 'http'}://{shown}:{port}"


@contextlib.contextmanager
def running_provider(
    config: ProviderConfig, host: str = "127.0.0.1", port: int = 0, ssl: dict[str, Any] | None = None
) -> Iterator[str]:
    """Start the provider on a (free) loopback port in a thread; yield its base URL; stop it cleanly.

    ssl: uvicorn's TLS options without the ssl_ prefix, e.g. {"certfile": ..., "keyfile": ..., "ca_certs": ...,
    "cert_reqs": ssl.CERT_REQUIRED} for mutual TLS.
    """
    ssl = ssl if ssl is not None else config.ssl_options()
    sock = _bind(host, port)
    actual_port = sock.getsockname()[1]
    # embedded under a run (gate, fuzz, tests): the fuzzers send malformed HTTP on purpose, and uvicorn's
    # warnings about it are not the user's business; `serve` keeps them
    server = uvicorn.Server(_uvicorn_config(config, ssl, log_level="error"))
    # uvicorn < 0.29 installs signal handlers itself; later ones skip them off the main thread
    if hasattr(server, "install_signal_handlers"):
        server.install_signal_handlers = lambda: None
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="lefi-provider", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise UsageError("the reference provider did not start")
        time.sleep(0.005)
    try:
        yield _url(host, actual_port, ssl)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def serve(
    config: ProviderConfig, host: str = "127.0.0.1", port: int = 8080, ssl: dict[str, Any] | None = None
) -> None:
    """Run the provider in the foreground until interrupted (the CLI's `serve`)."""
    ssl = ssl if ssl is not None else config.ssl_options()
    sock = _bind(host, port)
    # embedded under a run (gate, fuzz, tests): the fuzzers send malformed HTTP on purpose, and uvicorn's
    # warnings about it are not the user's business; `serve` keeps them
    server = uvicorn.Server(_uvicorn_config(config, ssl, log_level="error"))
    print(
        f"LEFI reference provider on {_url(host, sock.getsockname()[1], ssl)} (seed {config.seed}, db {config.db_path})"
    )
    server.run(sockets=[sock])
