"""`lefi-contracts fuzz`: property-based fuzzing."""

from __future__ import annotations

import argparse
from pathlib import Path

from lefi_contracts.cli.common import add_target, positive_int, run_registry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("fuzz", help="property-based fuzzing of every version from its own contract")
    add_target(p)
    p.add_argument("--versions")
    p.add_argument("--examples", type=positive_int, default=100)
    p.add_argument("--seed", type=positive_int, default=None)
    p.add_argument("--reports", type=Path, default=Path("reports"))
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch a named fault on in the embedded provider (repeatable; see `serve --list-faults`); "
        "a replay of a failure found on a faulty embedded provider names them",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.client.transport import TlsConfig
    from lefi_contracts.fuzz import command_fuzz
    from lefi_contracts.provider.faults import validate_faults

    tls = TlsConfig.from_options(args.cert, args.key, args.ca)
    args.reports.mkdir(parents=True, exist_ok=True)  # an unusable folder is one line now, not after the run
    text, code = command_fuzz(
        target=args.target,
        versions=args.versions,
        examples=args.examples,
        seed=args.seed,
        reports_dir=args.reports,
        tls=tls,
        registry=run_registry(args),
        faults=validate_faults(args.fault),
    )
    print(text)
    return code
