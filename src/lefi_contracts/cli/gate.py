"""`lefi-contracts gate`: the release gate. Options in, one verdict line out, the exit code of the outcome."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from lefi_contracts.cli.common import EXIT_UNAVAILABLE, add_target, positive_int


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gate", help="the release gate: every check against a target, one verdict, reports/")
    add_target(p)
    p.add_argument("--versions", help="comma-separated versions (default: every active one)")
    p.add_argument("--reports", type=Path, default=Path("reports"))
    p.add_argument("--examples", type=positive_int, default=100, help="fuzzing examples an operation")
    p.add_argument("--seed", type=positive_int, default=None)
    p.add_argument("--baseline", help="URL of the current deployment, for differential regression")
    p.add_argument(
        "--consumers", type=Path, help="folder of consumer contracts (default: contracts/consumers)"
    )
    p.add_argument(
        "--fixtures",
        type=Path,
        help="fixture catalogue (YAML) of a target that is not the reference provider",
    )
    p.add_argument(
        "--wait", type=positive_int, default=0, help="wait up to N seconds for a maintenance window to end"
    )
    p.add_argument(
        "--fault", action="append", default=[], help="embedded provider only: switch on a named fault"
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="behaviours not verifiable on this target (no test control), and stale waivers, fail the gate",
    )
    p.add_argument(
        "--waivers",
        type=Path,
        help="known failures accepted on purpose (YAML; default: <contracts>/waivers.yaml when present)",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=4,
        help="requests in flight at once against the target (validation, fuzzing, consumers; default 4)",
    )
    p.add_argument(
        "--rate-limit",
        type=_rate,
        default=None,
        metavar="R",
        help="at most R requests a second to the target, over every worker (default: no limit)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="diff every contract again (default: reuse the compat results of unchanged contracts, kept by "
        "content hash in $LEFI_CACHE_DIR or ~/.cache/lefi-contracts)",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=run)


def _workers(text: str) -> int:
    value = positive_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least 1 worker")
    return value


def _rate(text: str) -> float:
    """R or R/s: requests a second, a positive number."""
    raw = text.strip().removesuffix("/s")
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of requests a second") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number of requests a second")
    return value


def run(args: argparse.Namespace) -> int:
    """One verdict line on stdout (and where the reports are); the outcome's exit code."""
    from lefi_contracts.gate import GateOptions, run_gate
    from lefi_contracts.report.summary import not_verified

    outcome = run_gate(
        GateOptions(
            target=args.target,
            versions=args.versions,
            reports_dir=args.reports,
            examples=args.examples,
            seed=args.seed,
            baseline=args.baseline,
            consumers=args.consumers,
            fixtures=args.fixtures,
            contracts=args.contracts,
            wait=float(args.wait or 0),
            quiet=args.quiet,
            faults=list(args.fault),
            cert=args.cert,
            key=args.key,
            ca=args.ca,
            strict=args.strict,
            waivers=args.waivers,
            workers=args.workers,
            rate_limit=args.rate_limit,
            compat_cache=not args.no_cache,
        )
    )
    message = outcome.message
    print(message if message.startswith(outcome.verdict) else f"{outcome.verdict}: {message}")
    if outcome.exit_code == EXIT_UNAVAILABLE:  # nothing ran: the one line says why (summary.json has it too)
        return outcome.exit_code
    for behaviour, versions in not_verified(outcome.not_verified).items():
        print(f"not verified on this target: {behaviour} ({', '.join('v' + v for v in versions)})")
    if outcome.summary_path:
        print(f"summary: {outcome.summary_path}")
    if outcome.html_report:
        print(f"report:  {outcome.html_report}")
    return outcome.exit_code
