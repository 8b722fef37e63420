"""The gate against a target that is far away: wall time at 0 and D ms a request, side by side in one run.

    .venv/bin/python benchmarks/bench_latency.py [--delay-ms 20] [--examples 5] [--workers 1,4] [--versions 8,9]

Starts the reference provider in this process, puts a latency proxy of its own in front of it (an asyncio TCP
proxy on loopback that holds every chunk the client sends for D ms, in order, so that each request arrives D ms
late without serialising the connections), and runs `lefi-contracts gate --target <proxy>` as a subprocess
(small --examples, fixed seed) for each --workers value at 0 and D ms. Prints per run the wall time, the peak
number of requests the proxy saw in flight at once, and the gate's CPU time / wall time, then the ratio
wall(D) / wall(0) per --workers (goal <= 1.3). "Target local" is measured too: the gate with its embedded
provider (a child process of the gate), CPU/wall goal >= 1.5 on 2 cores. The gate's CPU time is that of its
whole process tree (the scenario run, the embedded provider, the fuzzers' worker processes, which are children
of a fork server and so never reach getrusage), sampled from /proc every 0.1 s (Linux). No assertions: the
tests assert behaviour, this measures it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lefi_contracts.target import target_or_embedded

CLI = Path(sys.executable).with_name("lefi-contracts")


class LatencyProxy:
    """TCP proxy on 127.0.0.1: every client->server chunk is forwarded D ms after it arrived (order kept).
    A connection is "in flight" from a client chunk until the server's answer starts; the peak is counted."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.delay = 0.0
        self.in_flight = 0
        self.peak = 0
        self.requests = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def reset(self, delay_ms: float) -> None:
        self.delay, self.peak, self.requests = delay_ms / 1000.0, 0, 0

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        waiting = [False]  # this connection has a request out and no answer yet
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def inbound() -> None:
            while data := await reader.read(65536):
                if not waiting[0]:
                    waiting[0] = True
                    self.requests += 1
                    self.in_flight += 1
                    self.peak = max(self.peak, self.in_flight)
                await queue.put((time.monotonic() + self.delay, data))
            await queue.put((0.0, b""))

        async def forward() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    break
                pause = due - time.monotonic()
                if pause > 0:
                    await asyncio.sleep(pause)
                up_writer.write(data)
                await up_writer.drain()
            with contextlib.suppress(OSError):
                up_writer.write_eof()

        async def outbound() -> None:
            while data := await up_reader.read(65536):
                if waiting[0]:
                    waiting[0] = False
                    self.in_flight -= 1
                writer.write(data)
                await writer.drain()
            writer.close()

        try:
            await asyncio.gather(inbound(), forward(), outbound())
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            if waiting[0]:
                self.in_flight -= 1
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class TreeCpu:
    """CPU seconds (user + system) of a process and every descendant, from /proc, sampled every 0.1 s: the
    last value seen of each process is kept, so processes that end between samples lose at most 0.1 s."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    @staticmethod
    def _stat(pid: str) -> tuple[int, float] | None:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": state ppid ...
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # ppid, utime + stime

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := self._stat(entry)) is not None:
                parents[int(entry)], cpu[int(entry)] = stat
        tree, frontier = {self.root}, [self.root]
        children: dict[int, list[int]] = {}
        for pid, ppid in parents.items():
            children.setdefault(ppid, []).append(pid)
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in tree:
                    tree.add(child)
                    frontier.append(child)
        for pid in tree:
            if pid in cpu:
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu[pid])

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def stop(self) -> float:
        self._sample()
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


@dataclass
class Run:
    workers: int
    delay_ms: float
    wall: float
    cpu: float
    peak: int
    requests: int
    exit_code: int


def gate_once(proxy: LatencyProxy | None, args: argparse.Namespace, workers: int, delay_ms: float) -> Run:
    """One gate run: against the proxy (D ms a request), or with proxy None against its embedded provider."""
    if proxy is not None:
        proxy.reset(delay_ms)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        if args.keep is not None:
            tmp = str(args.keep / f"w{workers}-{delay_ms:.0f}ms{'' if proxy else '-embedded'}")
        cmd = [str(CLI), "gate", "--reports", tmp]
        if proxy is not None:
            cmd += ["--target", f"http://127.0.0.1:{proxy.port}"]
        cmd += [
            "--examples",
            str(args.examples),
            "--seed",
            str(args.seed),
            "--quiet",
            "--workers",
            str(workers),
        ]
        if args.versions:
            cmd += ["--versions", args.versions]
        if args.no_cache:
            cmd += ["--no-cache"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        tree = TreeCpu(proc.pid)
        out, err = proc.communicate()
        wall = time.perf_counter() - t0
        cpu = tree.stop()
    if proc.returncode != 0:  # the verdict line says what broke (a slow target must not change the verdict)
        print(f"  gate exit {proc.returncode}: {out.strip()[:300]} {err.strip()[-300:]}")
    peak, requests = (proxy.peak, proxy.requests) if proxy is not None else (0, 0)
    return Run(workers, delay_ms, wall, cpu, peak, requests, proc.returncode)


@contextlib.contextmanager
def proxied_provider() -> Iterator[LatencyProxy]:
    with target_or_embedded(None) as (url, _):
        parts = urlsplit(url)
        proxy = LatencyProxy(parts.hostname or "127.0.0.1", parts.port or 80)
        proxy.start()
        try:
            yield proxy
        finally:
            proxy.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--delay-ms", type=float, default=20.0)
    p.add_argument("--examples", type=int, default=5)
    p.add_argument("--seed", type=int, default=20250317)
    p.add_argument("--workers", default="1,4", help="comma-separated --workers values to compare")
    p.add_argument("--versions", default=None)
    p.add_argument("--keep", type=Path, default=None, help="keep each run's reports under this folder")
    p.add_argument("--no-cache", action="store_true", help="pass --no-cache: every compat diff computed")
    p.add_argument("--skip-warm-up", action="store_true", help="no first gate run to fill the compat cache")
    args = p.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    runs: list[Run] = []
    local: dict[int, Run] = {}
    if not args.skip_warm_up:  # the first gate of a machine fills the compat cache: not a figure of a run
        gate_once(None, args, max(workers), 0.0)
    with proxied_provider() as proxy:
        for w in workers:
            for delay in (0.0, args.delay_ms):
                run = gate_once(proxy, args, w, delay)
                runs.append(run)
                print(
                    f"workers {w:>2} · {delay:>4.0f} ms/request: wall {run.wall:6.1f} s · CPU {run.cpu:6.1f} s "
                    f"(CPU/wall {run.cpu / run.wall:.2f}) · {run.requests} requests · peak in flight {run.peak}"
                    f" · exit {run.exit_code}",
                    flush=True,
                )
            local[w] = run = gate_once(None, args, w, 0.0)
            print(
                f"workers {w:>2} · target local (embedded provider): wall {run.wall:6.1f} s · CPU {run.cpu:6.1f} s "
                f"(CPU/wall {run.cpu / run.wall:.2f}) · exit {run.exit_code}",
                flush=True,
            )
    print()
    for w in workers:
        base = next(r for r in runs if r.workers == w and r.delay_ms == 0)
        slow = next(r for r in runs if r.workers == w and r.delay_ms == args.delay_ms)
        print(
            f"workers {w}: wall({args.delay_ms:.0f} ms) / wall(0 ms) = {slow.wall / base.wall:.2f} (goal <= 1.3); "
            f"CPU/wall with the target local = {local[w].cpu / local[w].wall:.2f} (goal >= 1.5); "
            f"peak in flight {slow.peak}"
        )
    print(f"cores: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
