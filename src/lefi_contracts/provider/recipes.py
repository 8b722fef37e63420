"""The recipe files of the reference provider's data set, and the small vocabulary they are written in.

Why data: which personas a scenario needs, the names people get and the kinds of ärende the provider holds are
facts of the test data, not of the generator, so they sit beside the catalogue they produce
(contracts/fixtures/reference-provider.yaml). The files are read from the contracts folder the registry was loaded
from; a missing or malformed file is a one-line ContractError.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.errors import ContractError
from lefi_contracts.yamlio import load_yaml

TABLES_FILE = "fixtures/reference-provider.tables.yaml"
PERSONAS_FILE = "fixtures/reference-provider.personas.yaml"
_SECTIONS = {
    TABLES_FILE: (
        "first_names",
        "last_names",
        "streets",
        "orter",
        "civilstand",
        "deduction_shares",
        "arende_kinds",
    ),
    PERSONAS_FILE: ("personas", "spread", "actors", "actor_personas", "users"),
}


@dataclass(frozen=True)
class Recipes:
    """The two recipe files as read (shared and cached: never mutate; `plain` copies what goes into rows)."""

    tables: dict[str, Any]
    personas: dict[str, Any]

    def arende_kind(self, name: str) -> dict[str, Any]:
        kinds = self.tables["arende_kinds"]
        if name not in kinds:
            raise ContractError(f"{TABLES_FILE}: no arende kind {name!r} (known: {', '.join(kinds)})")
        kind: dict[str, Any] = kinds[name]
        return kind


def _read(root: Path, name: str) -> dict[str, Any]:
    path = root / name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContractError(f"data set recipe {path} cannot be read ({exc.__class__.__name__})") from None
    except ValueError as exc:  # a well-formed date that does not exist (2024-04-31)
        raise ContractError(f"data set recipe {path} cannot be read ({exc})") from None
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise ContractError(f"{path}: expected a mapping with schema_version: 1")
    missing = [section for section in _SECTIONS[name] if section not in data]
    if missing:
        raise ContractError(f"{path}: missing section(s) {', '.join(missing)}")
    return data


@lru_cache(maxsize=4)
def _load(root: str) -> Recipes:
    return Recipes(tables=_read(Path(root), TABLES_FILE), personas=_read(Path(root), PERSONAS_FILE))


def load_recipes(root: Path) -> Recipes:
    """The recipes under `root` (a contracts folder), cached per folder: they do not change during a run."""
    return _load(str(root))


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Turn a recipe that lacks a field or has one of the wrong shape into a one-line ContractError."""
    try:
        yield
    except ContractError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ContractError(
            f"data set recipe, {where}: malformed ({exc.__class__.__name__}: {exc})"
        ) from None


def draw(rng: random.Random, spec: Any) -> Any:
    """A value as written ({choice: [...]}: one of them; {min: a, below: b}: a <= n < b), drawn from `rng`."""
    if isinstance(spec, dict) and "choice" in spec:
        return rng.choice(spec["choice"])
    if isinstance(spec, dict) and "below" in spec:
        return rng.randrange(int(spec["min"]), int(spec["below"]))
    if isinstance(spec, dict):
        raise ValueError(f"{spec!r} is neither {{choice: [...]}} nor {{min: a, below: b}}")
    return spec


def plain(value: Any) -> Any:
    """A copy of recipe data as a stored row holds it: dates as ISO strings."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return dt.date.fromisoformat(str(value))
    return value


def end_of_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
