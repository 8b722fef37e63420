"""Fuzzing throughput: raw `schemathesis run` vs our fuzzing, same v9 contract, same provider, one run.

Prints cases/s of each and the ratio (goal: ours >= 0.9x raw). Raw schemathesis runs its fuzzing phase only
(the phase our loop corresponds to), with the same examples budget and seed; its rate is taken over the phase's
own time (excluding process start and spec loading) and over the whole command. Ours runs the v9 REST operations
with every default check plus ours (negative fuzzing off, to compare like with like); its rate includes loading
the schema. XML validation (ours vs raw lxml) is measured by benchmarks/bench_validation.py.

    .venv/bin/python benchmarks/bench_fuzz.py [--examples 200] [--seed 1] [--target URL]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lefi_contracts.contracts import registry
from lefi_contracts.fuzz import run_fuzz


def raw_schemathesis(openapi: Path, url: str, examples: int, seed: int) -> tuple[int, float, float]:
    """(cases, fuzzing-phase seconds, whole-command seconds) of `schemathesis run`."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    cmd = [exe, "run", str(openapi), "-u", url, "-n", str(examples), "--seed", str(seed), "--phases", "fuzzing",
           "--no-color"]  # fmt: skip
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:  # no schemathesis.toml of ours is picked up
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, check=False)
    whole = time.perf_counter() - start
    cases = re.search(r"Test cases:\s*\n\s*(\d+) generated", proc.stdout)
    phase = re.search(r"Fuzzing \(in ([\d.]+)s\)", proc.stdout)
    if not cases or not phase:
        raise SystemExit(f"could not read schemathesis' output:\n{proc.stdout[-2000:]}\n{proc.stderr[-500:]}")
    return int(cases.group(1)), float(phase.group(1)), whole


def ours(url: str, version: str, examples: int, seed: int) -> tuple[int, float]:
    start = time.perf_counter()
    result = run_fuzz(url, version, examples=examples, seed=seed, negative_examples=0)
    return result.cases, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", help="provider base URL (default: the embedded reference provider)")
    args = parser.parse_args()
    rest = next(v for v in registry().served() if v.transport == "rest")
    openapi = rest.contract_file("openapi")

    def run(url: str) -> None:
        raw_cases, raw_phase, raw_whole = raw_schemathesis(openapi, url, args.examples, args.seed)
        our_cases, our_time = ours(url, rest.number, args.examples, args.seed)
        raw_rate, raw_rate_whole, our_rate = (
            raw_cases / raw_phase,
            raw_cases / raw_whole,
            our_cases / our_time,
        )
        print(f"v{rest.number} {openapi.name}, {args.examples} examples an operation, seed {args.seed}")
        print(f"raw schemathesis run : {raw_cases:5d} cases, fuzzing phase {raw_phase:6.2f} s -> {raw_rate:7.1f} cases/s"
              f"  (whole command {raw_whole:.2f} s -> {raw_rate_whole:.1f} cases/s)")  # fmt: skip
        print(f"ours (all checks)    : {our_cases:5d} cases, {our_time:6.2f} s -> {our_rate:7.1f} cases/s")
        print(f"ratio ours/raw       : {our_rate / raw_rate:.2f}x (phase)   {our_rate / raw_rate_whole:.2f}x (whole)"
              f"   goal >= 0.9x")  # fmt: skip

    if args.target:
        run(args.target.rstrip("/"))
        return 0
    from lefi_contracts.provider import ProviderConfig, running_provider

    with (
        tempfile.TemporaryDirectory() as tmp,
        running_provider(ProviderConfig(db_path=Path(tmp) / "b.sqlite")) as url,
    ):
        run(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
