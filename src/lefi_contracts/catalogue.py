"""Fixture catalogues: the test persons, actors and users of a target, named by what they are.

Scenarios say "a person with förebyggande sjukpenning decided 2024-06-03", never a personnummer; a catalogue maps
such names to the target's data. A foreign target brings a YAML file (contracts/fixtures/*.yaml); the embedded
reference provider serves its own at /_lefi/catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from lefi_contracts.errors import ContractError, TargetUnavailable, UsageError

CATALOGUE_PATH = "/_lefi/catalogue"


class Catalogue(dict[str, Any]):
    """A fixture catalogue; its repr is a summary, so that reports that record arguments (Allure) hold no
    personnummer and no 12 KB of test data per step."""

    def __repr__(self) -> str:
        return f"<fixture catalogue: {len(self)} entries>"


def load_catalogue(
    path: Path | None = None, *, target: str | None = None, timeout: float = 10.0
) -> dict[str, Any]:
    if path is not None:
        if not path.is_file():
            raise UsageError(f"fixture catalogue {path} does not exist")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ContractError(
                f"fixture catalogue {path}: not valid YAML ({exc.__class__.__name__})"
            ) from None
    elif target is not None:
        url = target.rstrip("/") + CATALOGUE_PATH
        try:
            response = httpx.get(url, timeout=timeout)
        except httpx.HTTPError as exc:
            raise TargetUnavailable(
                f"cannot fetch the fixture catalogue from {url}: {exc.__class__.__name__}"
            ) from None
        if response.status_code != 200:
            raise UsageError(
                f"{url} answered {response.status_code}: a target that is not the reference provider needs "
                "--lefi-fixtures FILE (see contracts/fixtures/)"
            )
        try:
            data = response.json()
        except ValueError:
            raise UsageError(f"{url} did not answer JSON") from None
    else:
        raise UsageError("no fixture catalogue: give --lefi-fixtures FILE or a target")
    if not isinstance(data, dict):
        raise ContractError("a fixture catalogue is a mapping of names to test data")
    return Catalogue(data)
