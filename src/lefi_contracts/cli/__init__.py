"""The lefi-contracts command: parses, calls the library, maps outcomes to exit codes.

Exit codes (every command): 0 all held, 1 a contract was broken, 2 usage or input error, 3 target unavailable.
A user mistake prints one line on stderr, never a traceback. Each command is a module of this package with
`register(sub)` (its options) and `run(args) -> int`; the library it calls never prints and never exits.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from lefi_contracts import __version__
from lefi_contracts.cli import (
    can_i_deploy,
    diff,
    fuzz,
    gate,
    merge_reports,
    query,
    serve,
    verify_consumer,
    versions,
)
from lefi_contracts.cli.common import EXIT_OK, EXIT_USAGE, ArgumentParser, add_contracts, contracts_of
from lefi_contracts.errors import LefiContractsError

COMMANDS = (versions, serve, gate, merge_reports, fuzz, diff, verify_consumer, query, can_i_deploy)


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="lefi-contracts", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", action="version", version=f"lefi-contracts {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    for command in COMMANDS:
        command.register(sub)
    for p in sub.choices.values():  # every command reads its contracts from --contracts DIR when given
        if "--contracts" not in p._option_string_actions:
            add_contracts(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with contracts_of(args):
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
