"""Fixture catalogues: the test persons, actors and users of a target, named by what they are.

Scenarios say "a person with förebyggande sjukpenning decided 2024-06-03", never a personnummer; a catalogue maps
such names to the target's data. A foreign target brings a YAML file (contracts/fixtures/*.yaml); the embedded
reference provider serves its own at /_lefi/catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.client.transport import GuardedTransport, TlsConfig
from lefi_contracts.errors import ContractError, ResponseRejected, UsageError
from lefi_contracts.yamlio import load_yaml

CATALOGUE_PATH = "/_lefi/catalogue"


class Catalogue(dict[str, Any]):
    """A fixture catalogue; its repr is a summary, so that reports that record arguments (Allure) hold no
    personnummer and no 12 KB of test data per step."""

    def __repr__(self) -> str:
        return f"<fixture catalogue: {len(self)} entries>"


MAX_CATALOGUE_BYTES = 5_000_000


def load_catalogue(
    path: Path | None = None,
    *,
    target: str | None = None,
    timeout: float = 10.0,
    tls: TlsConfig | None = None,
    option: str = "--lefi-fixtures",
) -> dict[str, Any]:
    """A catalogue from a YAML file, or from the target's /_lefi/catalogue (TLS options as for the client).
    `option` is how the command in use names its catalogue flag, so that the message tells the user what to type.

    The target may be hostile: the fetch has a total deadline and a size cap (the client's GuardedTransport), and an
    answer that is not a JSON mapping is ResponseRejected (the target's fault, exit 1), not a usage error.
    """
    if path is not None:
        if not path.is_file():
            raise UsageError(f"fixture catalogue {path} does not exist")
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ContractError(
                f"fixture catalogue {path}: not valid YAML ({exc.__class__.__name__})"
            ) from None
    elif target is not None:
        url = target.rstrip("/") + CATALOGUE_PATH
        transport = GuardedTransport(timeout=timeout, max_response_bytes=MAX_CATALOGUE_BYTES, tls=tls)
        try:
            response = transport.send("GET", url, headers={"Accept": "application/json"})
        finally:
            transport.close()
        if response.status != 200:
            raise UsageError(
                f"{url} answered {response.status}: a target that is not the reference provider needs "
                f"{option} FILE (see contracts/fixtures/)"
            )
        try:
            data = json.loads(response.body)
        except (ValueError, RecursionError):
            raise ResponseRejected(f"{url} did not answer JSON") from None
        if not isinstance(data, dict):
            raise ResponseRejected(f"{url} did not answer a JSON mapping of names to test data")
    else:
        raise UsageError(f"no fixture catalogue: give {option} FILE or a target")
    if not isinstance(data, dict):
        raise ContractError("a fixture catalogue is a mapping of names to test data")
    return Catalogue(data)
