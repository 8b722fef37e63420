"""Fuzzing: raw `schemathesis run` (all phases) vs our v9 fuzzing, same provider, same budget, one run.

Prints, side by side: cases/s of each (goal: ours >= 0.9x raw) on the correct provider, and the failure codes each
finds on a faulty provider (goal: ours is a superset of raw). Raw schemathesis runs as a new user runs it: the
examples, coverage, fuzzing and stateful phases, every default check but positive_data_acceptance, a real aktorsId
from the provider's fixture catalogue as a `schemathesis.toml` [parameters] entry. Its rate is taken over its
phases' own time (no process start or spec loading) and over the whole command; ours includes loading the schema
and the catalogue (negative fuzzing off, to compare like with like).

    .venv/bin/python benchmarks/bench_fuzz.py [--examples 20] [--seed 1] [--faults a,b]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from lefi_contracts.contracts import registry
from lefi_contracts.fuzz import run_fuzz
from lefi_contracts.provider import ProviderConfig, running_provider

FAULTS = "undeclared-method-not-found,user-header-length-unchecked,request-schema-unchecked"
PHASE_TIME = re.compile(r"(Examples|Coverage|Fuzzing|Stateful) \(in ([\d.]+)s\)")


def raw_schemathesis(openapi: Path, url: str, examples: int, seed: int) -> tuple[int, float, float, set[str]]:
    """(cases, phases' seconds, whole-command seconds, failure codes) of `schemathesis run`."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    with urllib.request.urlopen(f"{url}/_lefi/catalogue", timeout=10) as answer:
        aktor = json.load(answer)["municipality"]["aktorsId"]
    cmd = [
        exe,
        "run",
        str(openapi),
        "-u",
        url,
        "-n",
        str(examples),
        "--seed",
        str(seed),
        "--no-color",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--exclude-checks",
        "positive_data_acceptance",
    ]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as cwd:
        Path(cwd, "schemathesis.toml").write_text(f'[parameters]\naktorsId = "{aktor}"\n', encoding="utf-8")
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, check=False)
    whole = time.perf_counter() - start
    cases = re.search(r"Test cases:\s*\n\s*(\d+) generated", proc.stdout)
    if not cases:
        raise SystemExit(f"could not read schemathesis' output:\n{proc.stdout[-2000:]}\n{proc.stderr[-500:]}")
    phases = sum(float(s) for _, s in PHASE_TIME.findall(proc.stdout)) or whole
    return int(cases.group(1)), phases, whole, set(re.findall(r"^- (ST\d+) ", proc.stdout, flags=re.M))


def ours(url: str, version: str, examples: int, seed: int) -> tuple[int, float, set[str]]:
    """(cases, seconds, failure codes and our own failed checks) of our v9 fuzzing."""
    start = time.perf_counter()
    result = run_fuzz(url, version, examples=examples, seed=seed, negative_examples=0)
    elapsed = time.perf_counter() - start
    found = {m for r in result.results if r.failed for m in re.findall(r"\b(ST\d+)\b", r.message or "")}
    found |= {
        r.behaviour for r in result.results if r.failed and r.behaviour and r.behaviour.startswith("lefi_")
    }
    return result.cases, elapsed, found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", default=FAULTS, help="faults of the faulty provider (comma-separated)")
    args = parser.parse_args()
    rest = next(v for v in registry().served() if v.transport == "rest")
    openapi = rest.contract_file("openapi")
    faults = frozenset(f for f in args.faults.split(",") if f)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "b.sqlite"
        with running_provider(ProviderConfig(db_path=db)) as url:
            raw_cases, raw_phases, raw_whole, raw_clean = raw_schemathesis(
                openapi, url, args.examples, args.seed
            )
            our_cases, our_time, our_clean = ours(url, rest.number, args.examples, args.seed)
        with running_provider(ProviderConfig(db_path=db, faults=faults)) as url:
            _, _, _, raw_found = raw_schemathesis(openapi, url, args.examples, args.seed)
            _, _, our_found = ours(url, rest.number, args.examples, args.seed)
    raw_rate, raw_rate_whole, our_rate = raw_cases / raw_phases, raw_cases / raw_whole, our_cases / our_time
    print(f"v{rest.number} {openapi.name}, {args.examples} examples an operation, seed {args.seed}")
    print(
        f"correct provider, raw schemathesis run (all phases): {raw_cases:5d} cases, phases {raw_phases:6.2f} s"
        f" -> {raw_rate:6.1f} cases/s (whole command {raw_whole:.2f} s -> {raw_rate_whole:.1f} cases/s);"
        f" failures {sorted(raw_clean) or 'none'}"
    )
    print(
        f"correct provider, ours (all phases, all checks)    : {our_cases:5d} cases, {our_time:6.2f} s"
        f" -> {our_rate:6.1f} cases/s; failures {sorted(our_clean) or 'none'}"
    )
    print(
        f"ratio ours/raw: {our_rate / raw_rate:.2f}x (phases)  {our_rate / raw_rate_whole:.2f}x (whole)"
        "   goal >= 0.9x"
    )
    print(f"faulty provider ({', '.join(sorted(faults))}):")
    print(f"  raw schemathesis found: {sorted(raw_found) or 'nothing'}")
    print(f"  ours found            : {sorted(our_found) or 'nothing'}")
    missed = raw_found - our_found
    print(f"  ours contains raw     : {'yes' if not missed else 'NO, missed ' + ', '.join(sorted(missed))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
