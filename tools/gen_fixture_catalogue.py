"""Write contracts/fixtures/reference-provider.yaml, the fixture catalogue of the reference provider's data set.

Why a committed copy: a foreign target's catalogue has the same format, and a reader sees the personas without
starting the provider. It is generated from the recipes (contracts/fixtures/reference-provider.personas.yaml and
.tables.yaml) and the default seed; the contracts folder is the registry's (LEFI_CONTRACTS_DIR or this checkout's).

Usage: .venv/bin/python tools/gen_fixture_catalogue.py [--check]
  --check  exit 1 when the committed catalogue differs from what the data set produces.
"""

from __future__ import annotations

import argparse
import sys

from lefi_contracts.contracts import registry
from lefi_contracts.errors import UsageError
from lefi_contracts.provider.catalogue import REFERENCE_CATALOGUE, reference_catalogue_yaml


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the committed catalogue is current"
    )
    args = parser.parse_args(argv)
    try:
        contracts = registry()
        expected = reference_catalogue_yaml(contracts)
    except UsageError as exc:
        print(f"gen_fixture_catalogue: {exc}", file=sys.stderr)
        return 2
    path = contracts.root / REFERENCE_CATALOGUE
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if args.check:
        if current != expected:
            print(f"{path} is out of date: run tools/gen_fixture_catalogue.py", file=sys.stderr)
            return 1
        return 0
    if current != expected:
        path.write_text(expected, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
