"""`lefi-contracts versions`: list the interface versions."""

from __future__ import annotations

import argparse

from lefi_contracts.cli.common import EXIT_OK, add_contracts, run_registry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("versions", help="list the interface versions of the registry")
    add_contracts(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    reg = run_registry(args)
    for v in reg.versions.values():
        files = ", ".join(str(p.relative_to(reg.root)) for p in v.contract_files.values())
        sunset = f" sunset {v.sunset}" if v.sunset else ""
        print(
            f"{v.number:>3}  {v.label:<7} {v.transport:<4} {v.status:<10} released {v.released}{sunset}  {files}"
        )
    return EXIT_OK
