"""`lefi-contracts query`: one hämtningsfråga."""

from __future__ import annotations

import argparse

from lefi_contracts.cli.common import add_target, run_registry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("query", help="one hämtningsfråga; the answer as JSON, personnummer masked")
    add_target(p)
    p.add_argument("--version", required=True, help="interface version, e.g. 8")
    p.add_argument("--personnummer", required=True, help="10 or 12 digits (never printed unmasked)")
    p.add_argument("--from", dest="period_from", required=True, help="period start, YYYY-MM-DD")
    p.add_argument("--tom", dest="period_tom", required=True, help="period end, YYYY-MM-DD")
    p.add_argument("--groups", action="append", default=[], help="förmånsgrupper, e.g. FK:SJP,FK:BOB")
    p.add_argument("--preliminara", action="append", default=[], help="groups of preliminära utbetalningar")
    p.add_argument("--utbetalningar", action="append", default=[], help="groups of utbetalningar")
    p.add_argument("--ovrig", action="append", default=[], help="övrig information, e.g. FK:SGI")
    p.add_argument("--aktor", help="aktörsId (default with the embedded provider: its system vendor)")
    p.add_argument("--anvandare", help="the handläggare whose behörighet is checked")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole answer")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.client.transport import TlsConfig
    from lefi_contracts.query import command_query

    text, code = command_query(
        version=args.version,
        personnummer=args.personnummer,
        period_from=args.period_from,
        period_tom=args.period_tom,
        groups=args.groups,
        preliminara=args.preliminara,
        utbetalningar=args.utbetalningar,
        ovrig=args.ovrig,
        aktor=args.aktor,
        anvandare=args.anvandare,
        target=args.target,
        tls=TlsConfig.from_options(args.cert, args.key, args.ca),
        timeout=args.timeout,
        registry=run_registry(args),
    )
    print(text)
    return code
