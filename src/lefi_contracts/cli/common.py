"""What every command shares: exit codes, the one-line usage error, the target and TLS options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

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
    p.add_argument("--contracts", type=Path, help="contracts folder (default: this project's contracts/)")
