"""Time of each phase of a full gate: all active versions, 100 fuzzing examples an operation (goal: <= 60 s, 2 cores).

    .venv/bin/python benchmarks/bench_gate.py [--examples N] [--versions 5,9] [--target URL]

Prints the figures; no assertions (the tests assert behaviour, this measures it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from lefi_contracts.gate import GateOptions, run_gate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=100)
    p.add_argument("--versions", default=None)
    p.add_argument("--target", default=None)
    p.add_argument("--seed", type=int, default=20250317)
    p.add_argument("--reports", type=Path, default=None)
    args = p.parse_args(argv)
    reports = args.reports or Path(tempfile.mkdtemp(prefix="bench-gate-"))
    started = time.perf_counter()
    outcome = run_gate(
        GateOptions(
            target=args.target,
            versions=args.versions,
            examples=args.examples,
            seed=args.seed,
            reports_dir=reports,
            quiet=True,
        )
    )
    wall = time.perf_counter() - started
    print(
        f"gate: {outcome.verdict} (exit {outcome.exit_code}), {len(outcome.results)} checks, cores={os.cpu_count()}"
    )
    print(
        f"examples an operation: {args.examples}; versions: {args.versions or 'all active'}; reports: {reports}"
    )
    print(f"{'phase':<12} {'seconds':>8}")
    for phase, seconds in outcome.phase_times.items():
        print(f"{phase:<12} {seconds:>8.2f}")
    print(f"{'total':<12} {wall:>8.2f}  (goal <= 60 s)")
    return 0 if outcome.exit_code in (0, 1) else outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
