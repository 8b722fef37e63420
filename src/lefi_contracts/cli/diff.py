"""`lefi-contracts diff`: compatibility of two contracts."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("diff", help="compatibility of two contracts (versions or schema files)")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--fail-on", choices=["breaking", "potential"], default="breaking")
    p.add_argument("--reader", choices=["tolerant", "strict"], default="tolerant")
    p.add_argument(
        "--waivers", type=Path, help="accepted findings (YAML: rule, path, reason, reference, expires)"
    )
    p.add_argument("--mapping", type=Path, help="XML path -> JSON path mapping for a cross-format diff")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.compat import command_diff

    text, code = command_diff(
        args.old,
        args.new,
        fmt=args.format,
        fail_on=args.fail_on,
        reader=args.reader,
        waivers=args.waivers,
        mapping=args.mapping,
    )
    print(text)
    return code
