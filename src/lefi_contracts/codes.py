"""The code lists of contracts/codes/*.yaml as typed data.

The code lists are data, not code, so that the provider, the contracts and the tests read one source and
cannot drift apart. A malformed file is a ContractError (exit 2 with a one-line message), never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import ContractError
from lefi_contracts.yamlio import load_yaml

Kind = Literal["ersattning", "avdrag", "skatt"]
_KINDS: tuple[str, ...] = ("ersattning", "avdrag", "skatt")


@dataclass(frozen=True)
class Kod:
    """A letter code with its Swedish description (LefiBokstavskod {id, beskrivning})."""

    id: str
    beskrivning: str


@dataclass(frozen=True)
class Formansgrupp:
    """A benefit group (or övrig-information type) code such as FK:SJP, and where its data lives."""

    kod: str
    namn: str
    utlamnare: str
    stated: bool
    formansinformation_key: str | None
    formansinformation_keys: tuple[str, ...]
    versions: tuple[str, ...]


@dataclass(frozen=True)
class FormanDelforman:
    """A harmonised (v8+) förmån -> delförmån pair for preliminary payments."""

    forman: Kod
    delforman: Kod
    versions: tuple[str, ...]


@dataclass(frozen=True)
class LegacyForman:
    """A pre-2024 förmånsfamilj/förmån pair (v5-v7) and the harmonised pair classifying the same payment."""

    formansfamilj: Kod
    forman: Kod
    same_payment_as: tuple[str, str] | None
    versions: tuple[str, ...]


@dataclass(frozen=True)
class Beloppstyp:
    """A beloppstyp of a payment detail; kind says which amount field it fills."""

    id: str
    beskrivning: str
    kind: Kind
    historisk: bool
    in_note: bool
    id_stated: bool
    versions: tuple[str, ...]


@dataclass(frozen=True)
class CodeLists:
    """Every code list; helpers answer per-version questions without anyone listing versions in code."""

    formansgrupper: tuple[Formansgrupp, ...]
    ovrig_information: tuple[Formansgrupp, ...]
    forman_delforman: tuple[FormanDelforman, ...]
    legacy_forman: tuple[LegacyForman, ...]
    beloppstyper: tuple[Beloppstyp, ...]

    def groups_for_version(self, version: str, utlamnare: str | None = None) -> tuple[Formansgrupp, ...]:
        """Benefit groups served by `version` (optionally only FK or PM)."""
        return tuple(
            g
            for g in self.formansgrupper
            if str(version) in g.versions and (utlamnare is None or g.utlamnare == utlamnare)
        )

    def ovrig_information_for_version(self, version: str) -> tuple[Formansgrupp, ...]:
        """Övrig-information types served by `version`."""
        return tuple(g for g in self.ovrig_information if str(version) in g.versions)

    def beloppstyper_for_version(self, version: str, kind: Kind | None = None) -> tuple[Beloppstyp, ...]:
        """Beloppstyper valid in `version` (optionally of one kind)."""
        return tuple(
            b for b in self.beloppstyper if str(version) in b.versions and (kind is None or b.kind == kind)
        )

    def forman_delforman_for_version(self, version: str) -> tuple[FormanDelforman, ...]:
        """Harmonised förmån/delförmån pairs valid in `version` (empty for legacy versions)."""
        return tuple(r for r in self.forman_delforman if str(version) in r.versions)

    def legacy_forman_for_version(self, version: str) -> tuple[LegacyForman, ...]:
        """Legacy förmånsfamilj/förmån pairs valid in `version` (empty for harmonised versions)."""
        return tuple(r for r in self.legacy_forman if str(version) in r.versions)

    def group(self, kod: str) -> Formansgrupp:
        """The benefit group or övrig-information type with this code."""
        for g in (*self.formansgrupper, *self.ovrig_information):
            if g.kod == kod:
                return g
        raise ContractError(f"unknown förmånsgrupp or övrig-information code {kod!r}")

    def beloppstyp(self, id_: str) -> Beloppstyp:
        """The beloppstyp with this id."""
        for b in self.beloppstyper:
            if b.id == id_:
                return b
        raise ContractError(f"unknown beloppstyp {id_!r}")


# ---------------------------------------------------------------------------------------------- reading


class _Reader:
    """Reads one YAML file and turns every shape mistake into a ContractError naming file and entry."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContractError(f"code list {path} is missing") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ContractError(f"code list {path} cannot be read: {first}") from None
        if not isinstance(data, dict):
            raise ContractError(f"code list {path} must be a mapping at the top level")
        self.data: dict[str, Any] = data

    def fail(self, where: str, what: str) -> ContractError:
        return ContractError(f"code list {self.path.name}: {where}: {what}")

    def entries(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list")
        for i, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self.fail(f"{key}[{i}]", "must be a mapping")
        return value

    def keyed(self, key: str, field: str) -> Iterator[tuple[dict[str, Any], str, str]]:
        """(entry, its `field`, where) for every entry of `key`; a second entry with the same `field` fails."""
        seen: set[str] = set()
        for i, entry in enumerate(self.entries(key)):
            value = str(self.text(entry, field, f"{key}[{i}]"))
            where = f"{key}[{i}] ({value})"
            if value in seen:
                raise self.fail(where, f"duplicate {field}")
            seen.add(value)
            yield entry, value, where

    def text(self, entry: dict[str, Any], field: str, where: str, *, optional: bool = False) -> str | None:
        value = entry.get(field)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{field} must be a non-empty string")
        return value

    def flag(self, entry: dict[str, Any], field: str, where: str) -> bool:
        value = entry.get(field)
        if not isinstance(value, bool):
            raise self.fail(where, f"{field} must be true or false")
        return value

    def versions(self, entry: dict[str, Any], where: str) -> tuple[str, ...]:
        value = entry.get("versions")
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(
                where, 'versions must be a non-empty list of quoted version numbers, e.g. ["8", "9"]'
            )
        return tuple(value)

    def kod(self, entry: dict[str, Any], field: str, where: str) -> Kod:
        value = entry.get(field)
        if not isinstance(value, dict):
            raise self.fail(where, f"{field} must be a mapping {{id, beskrivning}}")
        return Kod(
            id=str(self.text(value, "id", f"{where}.{field}")),
            beskrivning=str(self.text(value, "beskrivning", f"{where}.{field}")),
        )


def _groups(reader: _Reader) -> tuple[Formansgrupp, ...]:
    out: list[Formansgrupp] = []
    for e, kod, where in reader.keyed("codes", "kod"):
        utlamnare = str(reader.text(e, "utlamnare", where))
        if not kod.startswith(utlamnare + ":"):
            raise reader.fail(where, f"kod must start with its utlamnare {utlamnare}:")
        key = reader.text(e, "formansinformation_key", where, optional=True)
        keys_raw = e.get("formansinformation_keys", [key] if key else [])
        if not isinstance(keys_raw, list) or not all(isinstance(k, str) for k in keys_raw):
            raise reader.fail(where, "formansinformation_keys must be a list of strings")
        if key is not None and (not keys_raw or keys_raw[0] != key):
            raise reader.fail(where, "formansinformation_keys must start with formansinformation_key")
        out.append(
            Formansgrupp(
                kod=kod,
                namn=str(reader.text(e, "namn", where)),
                utlamnare=utlamnare,
                stated=reader.flag(e, "stated", where),
                formansinformation_key=key,
                formansinformation_keys=tuple(keys_raw),
                versions=reader.versions(e, where),
            )
        )
    return tuple(out)


def _forman(reader: _Reader) -> tuple[tuple[FormanDelforman, ...], tuple[LegacyForman, ...]]:
    rows: list[FormanDelforman] = []
    for i, e in enumerate(reader.entries("rows")):
        where = f"rows[{i}]"
        rows.append(
            FormanDelforman(
                forman=reader.kod(e, "forman", where),
                delforman=reader.kod(e, "delforman", where),
                versions=reader.versions(e, where),
            )
        )
    pairs = {(r.forman.id, r.delforman.id) for r in rows}
    if len(pairs) != len(rows):
        raise reader.fail("rows", "duplicate förmån/delförmån pair")
    legacy: list[LegacyForman] = []
    for i, e in enumerate(reader.entries("legacy")):
        where = f"legacy[{i}]"
        same = e.get("same_payment_as")
        link: tuple[str, str] | None = None
        if same is not None:
            if not isinstance(same, dict):
                raise reader.fail(where, "same_payment_as must be a mapping {forman, delforman}")
            link = (str(reader.text(same, "forman", where)), str(reader.text(same, "delforman", where)))
            if link not in pairs:
                raise reader.fail(where, f"same_payment_as {link} is not one of the harmonised rows")
        legacy.append(
            LegacyForman(
                formansfamilj=reader.kod(e, "formansfamilj", where),
                forman=reader.kod(e, "forman", where),
                same_payment_as=link,
                versions=reader.versions(e, where),
            )
        )
    return tuple(rows), tuple(legacy)


def _beloppstyper(reader: _Reader) -> tuple[Beloppstyp, ...]:
    out: list[Beloppstyp] = []
    for e, id_, where in reader.keyed("codes", "id"):
        kind = e.get("kind")
        if kind not in _KINDS:
            raise reader.fail(where, f"kind must be one of {', '.join(_KINDS)}")
        out.append(
            Beloppstyp(
                id=id_,
                beskrivning=str(reader.text(e, "beskrivning", where)),
                kind=kind,
                historisk=reader.flag(e, "historisk", where),
                in_note=bool(e.get("in_note", False)),
                id_stated=bool(e.get("id_stated", True)),
                versions=reader.versions(e, where),
            )
        )
    return tuple(out)


def load_codes(contracts_dir: Path | str | None = None) -> CodeLists:
    """Load contracts/codes/*.yaml (of `contracts_dir`, default: this checkout's contracts/)."""
    root = Path(contracts_dir) if contracts_dir is not None else default_contracts_dir()
    return _load_cached(root.resolve())


@lru_cache(maxsize=8)
def _load_cached(root: Path) -> CodeLists:
    codes = root / "codes"
    rows, legacy = _forman(_Reader(codes / "forman-delforman.yaml"))
    return CodeLists(
        formansgrupper=_groups(_Reader(codes / "formansgrupper.yaml")),
        ovrig_information=_groups(_Reader(codes / "ovrig-information.yaml")),
        forman_delforman=rows,
        legacy_forman=legacy,
        beloppstyper=_beloppstyper(_Reader(codes / "beloppstyper.yaml")),
    )


def groups_for_version(version: str, contracts_dir: Path | str | None = None) -> tuple[Formansgrupp, ...]:
    """Module-level shortcut: benefit groups (FK and PM) served by `version`."""
    return load_codes(contracts_dir).groups_for_version(version)


def beloppstyper_for_version(version: str, contracts_dir: Path | str | None = None) -> tuple[Beloppstyp, ...]:
    """Module-level shortcut: beloppstyper valid in `version`."""
    return load_codes(contracts_dir).beloppstyper_for_version(version)
