"""What every command shares: exit codes, the one-line usage error, the contracts, target and TLS options."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from lefi_contracts.resources import CONTRACTS_ENV, absolute

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


@contextlib.contextmanager
def contracts_of(args: argparse.Namespace) -> Iterator[None]:
    """For the duration of a command, --contracts DIR (made absolute against the caller's directory) is what
    LEFI_CONTRACTS_DIR says, so the parts that start their own process (scenarios, the embedded provider's data)
    read the same contracts as the command itself."""
    given = getattr(args, "contracts", None)
    if given is None:
        yield
        return
    before = os.environ.get(CONTRACTS_ENV)
    os.environ[CONTRACTS_ENV] = str(absolute(given))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CONTRACTS_ENV, None)
        else:
            os.environ[CONTRACTS_ENV] = before


def run_registry(args: argparse.Namespace) -> Registry:
    """The registry of this command: --contracts DIR > LEFI_CONTRACTS_DIR > the checkout > the packaged data."""
    from lefi_contracts.contracts import registry

    return registry(getattr(args, "contracts", None))
