"""What every command shares: exit codes, the one-line usage error, the contracts, target and TLS options."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from lefi_contracts.resources import CONTRACTS_ENV, contracts_env

if TYPE_CHECKING:
    from lefi_contracts.contracts import Registry

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3


class ArgumentParser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, as every other usage error does."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"lefi-contracts: error: {message}\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def add_target(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target", help="base URL of the provider under test (default: the embedded reference provider)"
    )
    p.add_argument("--cert", help="client certificate (PEM) for mutual TLS")
    p.add_argument("--key", help="client private key (PEM) for mutual TLS")
    p.add_argument("--ca", help="CA bundle (PEM) that signs the target's certificate")
    add_contracts(p)


def add_contracts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--contracts",
        type=Path,
        help=f"contracts folder with versions.yaml (default: ${CONTRACTS_ENV}, else the packaged contracts)",
    )


def contracts_of(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    """For the duration of a command, --contracts DIR (relative to the caller's directory) is what
    LEFI_CONTRACTS_DIR says, so every part of the command reads the same contracts."""
    given = getattr(args, "contracts", None)
    return contextlib.nullcontext() if given is None else contracts_env(given)


def run_registry(args: argparse.Namespace) -> Registry:
    """The registry of this command: --contracts DIR > LEFI_CONTRACTS_DIR > the checkout > the packaged data."""
    from lefi_contracts.contracts import registry

    return registry(getattr(args, "contracts", None))
