"""Rules about what each version's release notes say it delivers (the registry's behaviour flags, as data).

`version_invariants` holds what a version must deliver; what it must NOT carry from a later version is the
disclosure rule `lefi_disclosure_no_later_structure` (disclosure.py). Which versions are "later" and what their
contracts declare is read from the registry and the contract files, never listed here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.oracles.answer import (
    code_id,
    day,
    details,
    dicts,
    fk_data,
    forebyggande_beslut,
)
from lefi_contracts.oracles.exchange import Exchange
from lefi_contracts.oracles.registry import rule
from lefi_contracts.yamlio import load_yaml

XS = "{http://www.w3.org/2001/XMLSchema}"


def harmonised(v: VersionInfo) -> bool:
    return v.behaviour.preliminara_utbetalningar == "harmonised"


def fsjp_inside_sjukpenning(v: VersionInfo) -> bool:
    return v.behaviour.forebyggande_sjukpenning.mode == "inside_sjukpenning"


@rule(
    "lefi_version_invariants",
    source=(
        '"förebyggande sjukpenning … kommer inte längre finnas tillgänglig i tidigare versioner (versionerna 5, 6 '
        'och 7)" (after 18-19 May 2024); "många preliminära utbetalningar associeras med en beloppstyp" (2024-02-16)'
    ),
    phases=("scenarios", "fuzzing", "probes", "validation", "consumers"),
    broken_by=("fsjp-leaks-into-old-versions", "beloppstyp-missing"),
    versions=lambda v: fsjp_inside_sjukpenning(v) or harmonised(v),
    versions_text="versions delivering förebyggande sjukpenning inside sjukpenning (5-7), harmonised ones (8-9)",
)
def version_invariants(ex: Exchange) -> list[str]:
    """No förebyggande sjukpenning decided after the cut-off inside sjukpenning where it is delivered there; a
    beloppstyp on every preliminary payment detail of a harmonised version."""
    beh, number = ex.version.behaviour, ex.version.number
    out: list[str] = []
    fsjp = beh.forebyggande_sjukpenning
    if fsjp.mode == "inside_sjukpenning" and fsjp.until is not None:
        for beslut in forebyggande_beslut(ex.data, "sjukpenningarende"):
            fattades = day(beslut.get("fattades"))
            if fattades is None or fattades > fsjp.until:
                out.append(
                    f"sjukpenningarende: förebyggande sjukpenning fattades {beslut.get('fattades')} "
                    f"after {fsjp.until} in v{number}"
                )
    if harmonised(ex.version):
        payments = dicts(fk_data(ex.data).get("preliminarautbetalningar"))
        for j, row in enumerate(details(payments)):
            if code_id(row.get("beloppstyp")) is None:
                out.append(f"preliminarautbetalningar detail {j + 1}: no beloppstyp in harmonised v{number}")
    return out


def later_versions(version: VersionInfo) -> list[VersionInfo]:
    """The served versions after `version` in the registry's order."""
    served = registry().served()
    numbers = [v.number for v in served]
    if version.number not in numbers:
        return []
    return served[numbers.index(version.number) + 1 :]


@lru_cache(maxsize=32)
def _declared_names(path: Path, kind: str) -> frozenset[str]:
    if kind == "xsd":
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        return frozenset(str(e.get("name")) for e in tree.iter(f"{XS}element") if e.get("name"))
    spec = load_yaml(path.read_text(encoding="utf-8")) or {}
    names: set[str] = set()
    for schema in ((spec.get("components") or {}).get("schemas") or {}).values():
        names.update((schema or {}).get("properties") or {})
    return frozenset(names)


def contract_names(path: Path, kind: str) -> frozenset[str]:
    """The names one contract file declares ("xsd" or "openapi"), read once a process."""
    return _declared_names(path, kind)


def declared_names(version: VersionInfo) -> frozenset[str]:
    """Every element (XSD) or property (OpenAPI) name the version's own contract declares."""
    kind = "xsd" if version.transport == "soap" else "openapi"
    return _declared_names(version.contract_file(kind), kind)


def later_only_names(version: VersionInfo) -> frozenset[str]:
    """Names a later version's contract declares and this version's does not (FSJP's own set in v5-7, ...)."""
    own = declared_names(version)
    later: set[str] = set()
    for v in later_versions(version):
        later |= declared_names(v)
    return frozenset(later - own)


def same_contract_file(a: VersionInfo, b: VersionInfo) -> bool:
    return a.contract_files == b.contract_files
