"""`lefi-contracts serve`: run the reference provider."""

from __future__ import annotations

import argparse
from pathlib import Path

from lefi_contracts.cli.common import EXIT_OK, positive_int


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="run the reference provider (all versions on one port)")
    p.add_argument(
        "--db", type=Path, default=Path("lefi-provider.sqlite"), help="SQLite file (built on first start)"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=positive_int, default=8080)
    p.add_argument("--seed", type=positive_int, default=None, help="seed of the synthetic data set")
    p.add_argument("--fault", action="append", default=[], help="switch on a named fault (repeatable)")
    p.add_argument("--list-faults", action="store_true", help="list the named faults and exit")
    p.add_argument("--now", help="fix the provider's clock (ISO date-time), e.g. 2025-03-17T09:00")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", help="private key of --tls-cert")
    p.add_argument("--client-ca", help="require client certificates signed by this CA (mutual TLS)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lefi_contracts.provider import faults as fault_registry

    if args.list_faults:
        for fault in fault_registry.list_faults():
            versions = ",".join(fault.versions) if fault.versions else "all"
            kind = " (fuzzing)" if fault.only_fuzzing else ""
            print(f"{fault.name:<40} v{versions:<10} {fault.description}{kind}")
        return EXIT_OK
    from lefi_contracts.provider import ProviderConfig
    from lefi_contracts.provider.server import serve

    config = ProviderConfig.from_cli(
        db_path=args.db,
        seed=args.seed,
        faults=args.fault,
        now=args.now,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        client_ca=args.client_ca,
    )
    serve(config, host=args.host, port=args.port)
    return EXIT_OK
