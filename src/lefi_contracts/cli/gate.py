"""`lefi-contracts gate`: the release gate."""

from __future__ import annotations

import argparse
from pathlib import Path

from lefi_contracts.cli.common import add_target, positive_int


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
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.gate import command_gate

    return command_gate(args)
