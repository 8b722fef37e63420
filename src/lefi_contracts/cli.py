"""The lefi-contracts command: parses, calls the library, maps outcomes to exit codes.

Exit codes (every command): 0 all held, 1 a contract was broken, 2 usage or input error, 3 target unavailable.
A user mistake prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lefi_contracts.errors import LefiContractsError

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as every other usage error does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"lefi-contracts: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def _add_target(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target", help="base URL of the provider under test (default: the embedded reference provider)"
    )
    p.add_argument("--cert", help="client certificate (PEM) for mutual TLS")
    p.add_argument("--key", help="client private key (PEM) for mutual TLS")
    p.add_argument("--ca", help="CA bundle (PEM) that signs the target's certificate")
    p.add_argument("--contracts", type=Path, help="contracts folder (default: this project's contracts/)")


def _cmd_versions(args: argparse.Namespace) -> int:
    from lefi_contracts.contracts import load_registry

    reg = load_registry(args.contracts)
    for v in reg.versions.values():
        files = ", ".join(str(p.relative_to(reg.root)) for p in v.contract_files.values())
        sunset = f" sunset {v.sunset}" if v.sunset else ""
        print(
            f"{v.number:>3}  {v.label:<7} {v.transport:<4} {v.status:<10} released {v.released}{sunset}  {files}"
        )
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
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


def _cmd_gate(args: argparse.Namespace) -> int:
    from lefi_contracts.gate import command_gate

    return command_gate(args)


def _cmd_fuzz(args: argparse.Namespace) -> int:
    from lefi_contracts.fuzz import command_fuzz
    from lefi_contracts.query import tls_options

    cert, ca = tls_options(args.cert, args.key, args.ca)
    text, code = command_fuzz(
        target=args.target,
        versions=args.versions,
        examples=args.examples,
        seed=args.seed,
        reports_dir=args.reports,
        cert=cert,
        ca=ca,
    )
    print(text)
    return code


def _cmd_diff(args: argparse.Namespace) -> int:
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


def _cmd_verify_consumer(args: argparse.Namespace) -> int:
    from lefi_contracts.consumers import command_verify_consumer
    from lefi_contracts.query import tls_options

    cert, ca = tls_options(args.cert, args.key, args.ca)
    text, code = command_verify_consumer(args.file, target=args.target, cert=cert, ca=ca)
    print(text)
    return code


def _cmd_query(args: argparse.Namespace) -> int:
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
        cert=args.cert,
        key=args.key,
        ca=args.ca,
        timeout=args.timeout,
    )
    print(text)
    return code


def _cmd_can_i_deploy(args: argparse.Namespace) -> int:
    from lefi_contracts.consumers import command_can_i_deploy

    text, code = command_can_i_deploy(contracts_dir=args.contracts, consumers_dir=args.consumers)
    print(text)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lefi-contracts", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("versions", help="list the interface versions of the registry")
    p.add_argument("--contracts", type=Path)
    p.set_defaults(func=_cmd_versions)

    p = sub.add_parser("serve", help="run the reference provider (all versions on one port)")
    p.add_argument(
        "--db", type=Path, default=Path("lefi-provider.sqlite"), help="SQLite file (built on first start)"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_positive_int, default=8080)
    p.add_argument("--seed", type=_positive_int, default=None, help="seed of the synthetic data set")
    p.add_argument("--fault", action="append", default=[], help="switch on a named fault (repeatable)")
    p.add_argument("--list-faults", action="store_true", help="list the named faults and exit")
    p.add_argument("--now", help="fix the provider's clock (ISO date-time), e.g. 2025-03-17T09:00")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", help="private key of --tls-cert")
    p.add_argument("--client-ca", help="require client certificates signed by this CA (mutual TLS)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("gate", help="the release gate: every check against a target, one verdict, reports/")
    _add_target(p)
    p.add_argument("--versions", help="comma-separated versions (default: every active one)")
    p.add_argument("--reports", type=Path, default=Path("reports"))
    p.add_argument("--examples", type=_positive_int, default=100, help="fuzzing examples an operation")
    p.add_argument("--seed", type=_positive_int, default=None)
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
        "--wait", type=_positive_int, default=0, help="wait up to N seconds for a maintenance window to end"
    )
    p.add_argument(
        "--fault", action="append", default=[], help="embedded provider only: switch on a named fault"
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_cmd_gate)

    p = sub.add_parser("fuzz", help="property-based fuzzing of every version from its own contract")
    _add_target(p)
    p.add_argument("--versions")
    p.add_argument("--examples", type=_positive_int, default=100)
    p.add_argument("--seed", type=_positive_int, default=None)
    p.add_argument("--reports", type=Path, default=Path("reports"))
    p.set_defaults(func=_cmd_fuzz)

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
    p.set_defaults(func=_cmd_diff)

    p = sub.add_parser("verify-consumer", help="does the target still give this consumer what it reads?")
    p.add_argument("file", type=Path)
    _add_target(p)
    p.set_defaults(func=_cmd_verify_consumer)

    p = sub.add_parser("query", help="one hämtningsfråga; the answer as JSON, personnummer masked")
    _add_target(p)
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
    p.set_defaults(func=_cmd_query)

    p = sub.add_parser("can-i-deploy", help="does a candidate contracts/ tree break any consumer?")
    p.add_argument("--contracts", type=Path, help="the candidate contracts folder")
    p.add_argument("--consumers", type=Path, help="consumer contracts (default: <contracts>/consumers)")
    p.set_defaults(func=_cmd_can_i_deploy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except LefiContractsError as exc:
        print(f"lefi-contracts: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lefi-contracts: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lefi-contracts diff 8 9 | head`: the reader went away, nothing to report
        return EXIT_OK
    except OSError as exc:
        # A file or port the user named cannot be used: their input, not our bug.
        print(f"lefi-contracts: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
