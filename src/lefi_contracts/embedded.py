"""The embedded reference provider in a process of its own, for the gate.

In a thread of the gate's own process the provider shares one interpreter lock with the gate: answering and
checking take turns on one core. In a child process they run on two. The child is this module run with the
gate's own interpreter (`python -m lefi_contracts.embedded`; a checkout and an installed wheel alike): the
parent writes the pickled ProviderConfig to its stdin and keeps the pipe open; the child prints the base URL on
stdout once it answers, and stops when its stdin ends (the parent closing it, or dying: no provider is left
behind). Ctrl-C is the parent's to handle: the child ignores SIGINT and stops when the parent closes the pipe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lefi_contracts.errors import UsageError

if TYPE_CHECKING:
    from lefi_contracts.provider import ProviderConfig

START_TIMEOUT = 60.0  # seconds for the child to build its data set and answer (a cold, loaded CI machine)
STOP_TIMEOUT = 10.0


@contextlib.contextmanager
def provider_process(config: ProviderConfig) -> Iterator[str]:
    """Start the provider in a child process on a free loopback port; yield its base URL; stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lefi_contracts.embedded"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None,  # the provider's own errors stay visible
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(pickle.dumps(config))
        proc.stdin.flush()
        url = _read_url(proc)
        yield url
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()  # the child's signal to stop
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _read_url(proc: subprocess.Popen[bytes]) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    fd = proc.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            line = proc.stdout.readline().decode("utf-8", "replace").strip()
            if line.startswith(("http://", "https://")):
                return line
            raise UsageError(f"the reference provider did not start: {line or 'it exited'}")
        if proc.poll() is not None:
            break
    raise UsageError("the reference provider did not start")


def main() -> int:
    """The child: read the config, serve, say where, and serve until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from lefi_contracts.provider import running_provider

    config = pickle.load(sys.stdin.buffer)  # from our own parent, over a pipe only it holds
    try:
        with running_provider(config) as url:
            sys.stdout.write(url + "\n")
            sys.stdout.flush()
            os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads the pipe now: never block on it
            while sys.stdin.buffer.read(65536):
                pass  # the parent never writes more; EOF is the stop
    except UsageError as exc:
        sys.stdout.write(f"{exc}\n")
        sys.stdout.flush()
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
