"""Provider throughput on loopback beside a minimal ASGI responder under the same uvicorn settings, and the ratio.

Run: .venv/bin/python benchmarks/bench_provider.py [--seconds 3] [--rounds 3] [--connections 32] [--profile]
     [--baseline GIT_REV]

Each server runs in its own process (same uvicorn.Config: h11, log_level warning, no access log,
lifespan off, one worker; the provider through provider.server._uvicorn_config, as `serve` runs it) while this
process drives it with a lean asyncio HTTP/1.1 keep-alive client (httpx would be the bottleneck, not the server).
Workloads: the minimal responder; the provider's health endpoint (routing + JSON only); a v9 REST query and a
v8 SOAP query of a persona with data (SQLite + rules + JSON or XSD-checked XML). Goal: provider / minimal >= 0.5.
--profile runs the query workloads once more under cProfile inside the provider process (recording after a warm-up,
so that building schemas on a version's first query stays out) and prints the top.
--baseline REV also runs the provider of that commit (src/ and contracts/ from `git archive`, its own database)
in the same rounds, so that before/after ratios are measured side by side under the same machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

NOW = "2026-01-15T10:00:00+01:00"  # outside every maintenance window


async def minimal_app(scope, receive, send):  # type: ignore[no-untyped-def]  # the 3-line ASGI responder
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _serve(kind: str, db: str, profile_out: str | None) -> None:
    """Child process: run one server on a free loopback port, print the port, serve until killed.

    With profile_out, cProfile records from the first request after the parent writes a line on stdin (after its
    warm-up, so one-time costs such as building a version's schemas stay out of the figures) until stdin closes."""
    import uvicorn

    from lefi_contracts.provider import ProviderConfig
    from lefi_contracts.provider.server import _bind, _uvicorn_config

    sock = _bind("127.0.0.1", 0)
    if kind == "minimal":
        config = uvicorn.Config(minimal_app, log_level="warning", access_log=False, lifespan="off")
    else:
        config = _uvicorn_config(ProviderConfig(db_path=Path(db), now=NOW), None)
    server = uvicorn.Server(config)
    recording = threading.Event()

    def follow_stdin() -> None:  # EOF is a clean exit (uvicorn re-raises SIGTERM: no profile then)
        for _ in sys.stdin:
            recording.set()
        server.should_exit = True

    threading.Thread(target=follow_stdin, daemon=True).start()
    print(sock.getsockname()[1], flush=True)
    if not profile_out:
        server.run(sockets=[sock])
        return
    import cProfile

    prof = cProfile.Profile()
    if not config.loaded:
        config.load()
    app = config.loaded_app

    async def profiled(scope, receive, send):  # type: ignore[no-untyped-def]
        if recording.is_set() and not profiled.started:  # type: ignore[attr-defined]
            profiled.started = True  # type: ignore[attr-defined]
            prof.enable()  # on the event loop's thread, which runs every request
        await app(scope, receive, send)

    profiled.started = False  # type: ignore[attr-defined]
    config.loaded_app = profiled
    server.run(sockets=[sock])
    prof.disable()
    prof.dump_stats(profile_out)


class Server:
    def __init__(self, kind: str, db: str, profile_out: str | None = None, src: str | None = None) -> None:
        cmd = [sys.executable, __file__, "--serve", kind, "--db", db]
        if profile_out:
            cmd += ["--profile-out", profile_out]
        env = dict(os.environ)
        if src:  # another checkout's lefi_contracts (and, found next to it, its contracts/) goes first
            env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
            env.pop("LEFI_CONTRACTS_DIR", None)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.strip().isdigit():
            self.proc.kill()
            raise SystemExit(f"bench_provider: the {kind} server did not start")
        self.port = int(line)

    def start_recording(self) -> None:
        """A profiled server (profile_out) records from its next request on."""
        if self.proc.stdin:
            self.proc.stdin.write("record\n")
            self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _request(method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body or method == "POST":
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _connection(
    port: int, requests: list[bytes], stop_at: float, counts: list[int], offset: int
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < stop_at:
            writer.write(requests[i % len(requests)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            counts[0 if status == 200 else 1] += 1
    finally:
        writer.close()


async def _drive(
    port: int, requests: list[bytes], seconds: float, connections: int
) -> tuple[float, int, int]:
    counts = [0, 0]
    start = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, requests, start + seconds, counts, k) for k in range(connections))
    )
    elapsed = time.perf_counter() - start
    return counts[0] / elapsed, counts[1], counts[0] + counts[1]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    port: int, requests: list[bytes], seconds: float, connections: int, pid: int | None = None
) -> tuple[float, int, float | None]:
    """(200 answers per second, non-200 answers, the server's CPU microseconds per answer or None).

    CPU time per answer hardly depends on what else the machine runs, unlike req/s on a shared machine."""
    asyncio.run(_drive(port, requests, min(1.0, seconds / 4), connections))  # warm-up (caches, connections)
    cpu_before = _cpu_seconds(pid) if pid else None
    value, bad, answers = asyncio.run(_drive(port, requests, seconds, connections))
    cpu_after = _cpu_seconds(pid) if pid else None
    per_answer = None
    if cpu_before is not None and cpu_after is not None and answers:
        per_answer = (cpu_after - cpu_before) / answers * 1e6
    return value, bad, per_answer


def baseline_checkout(rev: str, into: str) -> str:
    """src/, contracts/ and pyproject.toml of commit `rev` extracted under `into` (read-only use of git; without
    pyproject.toml beside them the package would not take that checkout's contracts/); returns its src dir."""
    repo = Path(__file__).resolve().parent.parent
    archive = os.path.join(into, "baseline.tar")
    with open(archive, "wb") as out:
        done = subprocess.run(
            ["git", "-C", str(repo), "archive", rev, "src", "contracts", "pyproject.toml"], stdout=out
        )
    if done.returncode != 0:
        raise SystemExit(f"bench_provider: cannot read commit {rev}")
    with tarfile.open(archive) as tar:
        tar.extractall(os.path.join(into, "baseline"), filter="data")
    return os.path.join(into, "baseline", "src")


def workloads(port: int) -> dict[str, list[bytes]]:
    """Request mixes built by our own client protocol from the provider's catalogue (system-vendor, rich personas)."""
    import httpx

    from lefi_contracts.client import Query, protocol_for
    from lefi_contracts.contracts import registry

    personas = httpx.get(f"http://127.0.0.1:{port}/_lefi/catalogue", timeout=30).json()
    actor = personas["system-vendor"]["aktorsId"]
    people = [p for p in personas.values() if p.get("groups") and "personnummer" in p and "period" in p]
    mixes: dict[str, list[bytes]] = {"provider health": [_request("GET", "/_lefi/health", {}, b"")]}
    reg = registry()
    for v in (reg.get(n) for n in ("9", "8") if n in reg.versions):
        proto = protocol_for(v)
        reqs = []
        for p in people:
            q = Query(
                p["personnummer"], p["period"]["from"], p["period"]["tom"], formansinformation=p["groups"]
            )
            method, url, headers, body = proto.query_request(f"http://127.0.0.1:{port}", q, actor)
            reqs.append(_request(method, urlsplit(url).path, headers, body))
        mixes[f"provider v{v.number} {v.transport} query"] = reqs
    return mixes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--baseline", metavar="GIT_REV", help="also run the provider of this commit, side by side"
    )
    ap.add_argument("--serve", choices=["minimal", "provider"], help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        _serve(args.serve, args.db, args.profile_out)
        return 0
    with tempfile.TemporaryDirectory(prefix="lefi-bench-") as tmp:
        db = os.path.join(tmp, "lefi.sqlite")
        results: dict[str, float] = {}
        cpu_us: dict[str, float] = {}  # the server's CPU time per answer, best round
        load_before = os.getloadavg()[0]
        servers = {"minimal": Server("minimal", db), "provider": Server("provider", db)}
        if args.baseline:
            src = baseline_checkout(args.baseline, tmp)
            servers["baseline"] = Server("provider", os.path.join(tmp, "baseline.sqlite"), src=src)
        try:  # rounds interleave the workloads, best of each: a busy machine skews one round, not the ratio
            minimal = servers["minimal"]
            mixes = {"minimal ASGI": (minimal, [_request("GET", "/", {}, b"")])}
            for label in ("provider", "baseline"):
                if label in servers:
                    for name, reqs in workloads(servers[label].port).items():
                        shown = name if label == "provider" else name.replace("provider", "baseline")
                        mixes[shown] = (servers[label], reqs)
            for _ in range(args.rounds):
                for name, (server, reqs) in mixes.items():
                    value, bad, cpu = measure(
                        server.port, reqs, args.seconds, args.connections, server.proc.pid
                    )
                    results[name] = max(results.get(name, 0.0), value)
                    if cpu is not None:
                        cpu_us[name] = min(cpu_us.get(name, cpu), cpu)
                    if bad:
                        print(f"warning: {bad} non-200 answers in {name}", file=sys.stderr)
        finally:
            for server in servers.values():
                server.stop()
        base = results["minimal ASGI"]
        print(
            f"loopback, {args.connections} keep-alive connections, best of {args.rounds} rounds of {args.seconds:g} s,"
            f" cpus={os.cpu_count()}, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        if args.baseline:
            print(f"  baseline = the provider of {args.baseline}, in the same rounds")
        base_cpu = cpu_us.get("minimal ASGI")
        for name, value in results.items():
            line = f"  {name:<28} {value:9.0f} req/s   ratio {value / base:5.2f}"
            if base_cpu and name in cpu_us:
                line += f"   server CPU {cpu_us[name]:6.0f} us/answer (ratio {base_cpu / cpu_us[name]:4.2f})"
            print(line)
        print(json.dumps({k: round(v, 1) for k, v in results.items()}))
        if cpu_us:
            print(json.dumps({f"{k} cpu_us": round(v, 1) for k, v in cpu_us.items()}))
        if args.profile:
            out = os.path.join(tmp, "provider.prof")
            prof = Server("provider", db, out)
            try:
                queries = [reqs for name, reqs in workloads(prof.port).items() if "query" in name]
                for reqs in queries:  # warm-up first: schemas and plans are built on a version's first query
                    asyncio.run(_drive(prof.port, reqs, min(1.0, args.seconds / 4), args.connections))
                prof.start_recording()
                for reqs in queries:
                    asyncio.run(_drive(prof.port, reqs, args.seconds, args.connections))
            finally:
                prof.stop()
            import pstats

            pstats.Stats(out).sort_stats("cumulative").print_stats(r"lefi_contracts", 30)
            pstats.Stats(out).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
