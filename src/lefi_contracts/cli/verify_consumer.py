"""`lefi-contracts verify-consumer`: consumer verification."""

from __future__ import annotations

import argparse
from pathlib import Path

from lefi_contracts.cli.common import add_target, run_registry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify-consumer", help="does the target still give this consumer what it reads?")
    p.add_argument("file", type=Path)
    add_target(p)
    p.add_argument(
        "--waivers",
        type=Path,
        help="known failures accepted on purpose (the gate's waiver file; default <contracts>/waivers.yaml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.client.transport import TlsConfig
    from lefi_contracts.consumers import command_verify_consumer
    from lefi_contracts.waivers import waivers_for

    tls = TlsConfig.from_options(args.cert, args.key, args.ca)
    reg = run_registry(args)
    text, code = command_verify_consumer(
        args.file, target=args.target, tls=tls, registry=reg, waivers=waivers_for(args.waivers, reg.root)
    )
    print(text)
    return code
