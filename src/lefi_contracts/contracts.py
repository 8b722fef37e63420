"""The version registry (contracts/versions.yaml) and where each version's contract files live.

Everything that differs between interface versions is read from here, so that a new version is a
new folder under contracts/ plus an entry in versions.yaml, not edits through the library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lefi_contracts import resources
from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.resources import CONTRACTS_ENV
from lefi_contracts.yamlio import read_yaml_file

TransportKind = Literal["soap", "rest"]
VersionStatus = Literal["active", "deprecated", "retired"]

__all__ = [
    "CONTRACTS_ENV",
    "QUERY_SECTIONS",
    "Behaviour",
    "ForebyggandeSjukpenning",
    "Registry",
    "TransportKind",
    "VersionInfo",
    "VersionStatus",
    "default_contracts_dir",
    "load_registry",
    "registry",
    "version_sort_key",
]

# The sections of a hämtningsfråga, of its avvikelser and of the available types, named as every version's contract
# names them (v9 JSON property = SOAP element name).
QUERY_SECTIONS = (
    "formansinformation",
    "ansprak",
    "beslut",
    "preliminaraUtbetalningar",
    "utbetalningar",
    "ovrigInformation",
)


def default_contracts_dir() -> Path:
    """LEFI_CONTRACTS_DIR, else contracts/ of this checkout, else the copy inside the installed package."""
    return resources.contracts_dir()


@dataclass(frozen=True)
class ForebyggandeSjukpenning:
    mode: Literal["own_set", "inside_sjukpenning"]
    until: dt.date | None = None


@dataclass(frozen=True)
class Behaviour:
    formansgrupper: tuple[str, ...]
    forebyggande_sjukpenning: ForebyggandeSjukpenning
    preliminara_utbetalningar: Literal["legacy", "harmonised"]
    pensionsmyndigheten: bool


@dataclass(frozen=True)
class VersionInfo:
    number: str
    label: str
    transport: TransportKind
    status: VersionStatus
    released: dt.date | None
    sunset: dt.date | None
    base_path: str
    contract_files: dict[str, Path]
    behaviour: Behaviour
    namespace: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def served(self) -> bool:
        return self.status != "retired"

    def contract_file(self, kind: str) -> Path:
        try:
            return self.contract_files[kind]
        except KeyError:
            raise ContractError(f"version {self.number} has no {kind} contract in versions.yaml") from None


@dataclass(frozen=True)
class Registry:
    root: Path
    versions: dict[str, VersionInfo]

    def get(self, number: str | int) -> VersionInfo:
        key = str(number).lstrip("v")
        if key not in self.versions:
            known = ", ".join(self.versions)
            raise UsageError(f"unknown interface version {number!r} (known: {known})")
        return self.versions[key]

    def served(self) -> list[VersionInfo]:
        return [v for v in self.versions.values() if v.served]

    def select(self, numbers: str | list[str] | None) -> list[VersionInfo]:
        """Versions from a '5,9' style list (or all served ones when empty)."""
        if not numbers:
            return self.served()
        if isinstance(numbers, str):
            numbers = [n for n in numbers.replace(" ", "").split(",") if n]
        return [self.get(n) for n in numbers]

    def previous(self, number: str) -> VersionInfo | None:
        keys = sorted(self.versions, key=version_sort_key)
        idx = keys.index(self.get(number).number)
        return self.versions[keys[idx - 1]] if idx > 0 else None


def version_sort_key(number: str) -> tuple[int, ...]:
    """Version numbers in numeric order: "10" sorts after "9", "8.1" after "8"."""
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ContractError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _parse_version(root: Path, number: str, raw: Any) -> VersionInfo:
    where = f"versions.yaml, version {number}"
    if not isinstance(raw, dict):
        raise ContractError(f"{where}: expected a mapping")
    try:
        beh = raw["behaviour"]
        fsjp = beh["forebyggande_sjukpenning"]
        behaviour = Behaviour(
            formansgrupper=tuple(beh["formansgrupper"]),
            forebyggande_sjukpenning=ForebyggandeSjukpenning(
                mode=fsjp["mode"], until=_date(fsjp.get("until"), where)
            ),
            preliminara_utbetalningar=beh["preliminara_utbetalningar"],
            pensionsmyndigheten=bool(beh["pensionsmyndigheten"]),
        )
        transport = raw["transport"]
        status = raw["status"]
        files = {kind: root / rel for kind, rel in dict(raw["contract"]).items()}
        base_path = str(raw["base_path"]).rstrip("/")
    except (KeyError, TypeError) as exc:
        raise ContractError(f"{where}: missing or malformed field {exc}") from None
    if transport not in ("soap", "rest"):
        raise ContractError(f"{where}: transport must be soap or rest, not {transport!r}")
    if status not in ("active", "deprecated", "retired"):
        raise ContractError(f"{where}: status must be active, deprecated or retired, not {status!r}")
    known = {
        "label",
        "transport",
        "status",
        "released",
        "sunset",
        "namespace",
        "contract",
        "base_path",
        "behaviour",
    }
    return VersionInfo(
        number=number,
        label=str(raw.get("label", number)),
        transport=transport,
        status=status,
        released=_date(raw.get("released"), where),
        sunset=_date(raw.get("sunset"), where),
        base_path=base_path,
        contract_files=files,
        behaviour=behaviour,
        namespace=raw.get("namespace"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def load_registry(root: Path | str | None = None) -> Registry:
    """Read versions.yaml of `root` (relative to the working directory), or of the default contracts folder."""
    root = resources.contracts_dir(root)
    path = root / "versions.yaml"
    if not path.is_file():
        raise ContractError(f"no version registry at {path}")
    data = read_yaml_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
        raise ContractError(f"{path}: expected a mapping with 'versions'")
    versions = {str(k): _parse_version(root, str(k), v) for k, v in data["versions"].items()}
    return Registry(
        root=root, versions=dict(sorted(versions.items(), key=lambda kv: version_sort_key(kv[0])))
    )


def registry(root: Path | str | None = None) -> Registry:
    """The registry of `root` or of the default contracts folder, cached per folder: contracts do not change
    during a run. The default is resolved on every call, so LEFI_CONTRACTS_DIR set by the CLI takes effect."""
    return _cached_registry(str(resources.contracts_dir(root)))


@lru_cache(maxsize=8)
def _cached_registry(root: str) -> Registry:
    return load_registry(root)


registry.cache_clear = _cached_registry.cache_clear  # type: ignore[attr-defined]  # tests reload a changed tree
