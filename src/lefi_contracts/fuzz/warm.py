"""What the fuzzers' worker processes would each build again, built once in the fork server they come from.

The gate runs every fuzzing part in a fresh worker process forked from one server (gate/parallel.py); a part
of a SOAP version builds that version's XSD models (xmlschema's alone costs a quarter of a second) and reads the
contracts the oracle's version rules compare. The server imports this module first: it builds those for the
contract files named in `LEFI_FUZZ_WARM` (os.pathsep-separated), and every worker starts with them. A file that
cannot be read is left alone here: the worker reads it again and says why.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

WARM_ENV = "LEFI_FUZZ_WARM"


def warm(paths: list[str]) -> None:
    from lefi_contracts.fuzz.soap import xsd_views
    from lefi_contracts.oracles.versions import contract_names

    for text in paths:
        path = Path(text)
        kind = "xsd" if path.suffix.lower() == ".xsd" else "openapi"
        with contextlib.suppress(Exception):
            if kind == "xsd":
                xsd_views(path)
            contract_names(path, kind)


warm([p for p in os.environ.get(WARM_ENV, "").split(os.pathsep) if p])
