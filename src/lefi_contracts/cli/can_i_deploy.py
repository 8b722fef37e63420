"""`lefi-contracts can-i-deploy`: can a candidate contracts tree be deployed."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("can-i-deploy", help="does a candidate contracts/ tree break any consumer?")
    p.add_argument("--contracts", type=Path, help="the candidate contracts folder")
    p.add_argument("--consumers", type=Path, help="consumer contracts (default: <contracts>/consumers)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.consumers import command_can_i_deploy

    text, code = command_can_i_deploy(contracts_dir=args.contracts, consumers_dir=args.consumers)
    print(text)
    return code
