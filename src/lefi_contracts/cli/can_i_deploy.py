"""`lefi-contracts can-i-deploy`: can a candidate contracts tree be deployed."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("can-i-deploy", help="does a candidate contracts/ tree break any consumer?")
    p.add_argument(
        "--contracts",
        dest="candidate",
        type=Path,
        help="the candidate contracts folder (default: the current one); compared with the current contracts",
    )
    p.add_argument(
        "--current",
        type=Path,
        help="the contracts in production (default: $LEFI_CONTRACTS_DIR, else the packaged contracts)",
    )
    p.add_argument("--consumers", type=Path, help="consumer contracts (default: <contracts>/consumers)")
    p.add_argument(
        "--waivers",
        type=Path,
        help="known failures accepted on purpose (the gate's waiver file; default <contracts>/waivers.yaml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.consumers import command_can_i_deploy
    from lefi_contracts.contracts import registry
    from lefi_contracts.resources import absolute
    from lefi_contracts.waivers import waivers_for

    current = registry(args.current)
    text, code = command_can_i_deploy(
        contracts_dir=absolute(args.candidate) if args.candidate else None,
        consumers_dir=absolute(args.consumers) if args.consumers else None,
        registry=current,
        waivers=waivers_for(args.waivers, current.root),
    )
    print(text)
    return code
