"""Named faults of the reference provider: each breaks exactly one rule, so the suite can prove it catches it.

`versions` is computed from the registry's behaviour flags (never a list of version numbers), so a new version
with the same behaviour is affected by the same faults without code changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lefi_contracts.contracts import Registry, VersionInfo, registry
from lefi_contracts.errors import UsageError

Selector = Callable[[VersionInfo], bool]


def _all(v: VersionInfo) -> bool:
    return True


def _inside(v: VersionInfo) -> bool:
    return v.behaviour.forebyggande_sjukpenning.mode == "inside_sjukpenning"


def _own_set(v: VersionInfo) -> bool:
    return v.behaviour.forebyggande_sjukpenning.mode == "own_set"


def _harmonised(v: VersionInfo) -> bool:
    return v.behaviour.preliminara_utbetalningar == "harmonised"


def _legacy(v: VersionInfo) -> bool:
    return v.behaviour.preliminara_utbetalningar == "legacy"


def _pm(v: VersionInfo) -> bool:
    return v.behaviour.pensionsmyndigheten


def _rest(v: VersionInfo) -> bool:
    return v.transport == "rest"


def _second_soap(v: VersionInfo) -> bool:
    """wrong-namespace hits one SOAP version only: the second served one (6 today), as the issue's example."""
    soap = [x.number for x in registry().served() if x.transport == "soap"]
    return len(soap) > 1 and v.number == soap[1]


def _groups(*codes: str) -> Selector:
    return lambda v: all(c in v.behaviour.formansgrupper for c in codes)


@dataclass(frozen=True)
class FaultSpec:
    name: str
    description: str
    selector: Selector
    only_fuzzing: bool = False
    # the answers are right; only the served contract differs (the gate's compat phase finds it)
    only_compat: bool = False


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    versions: tuple[str, ...]
    only_fuzzing: bool = False
    only_compat: bool = False


_SPECS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "fsjp-leaks-into-old-versions",
        "förebyggande sjukpenning decided after the cut-off (2024-05-19) is delivered inside sjukpenningarende",
        _inside,
    ),
    FaultSpec(
        "fsjp-own-set-missing", "forebyggandeSjukpenningsarende (FK:FSJP) is never delivered", _own_set
    ),
    FaultSpec("beloppstyp-missing", "harmonised preliminary payment details lack beloppstyp", _harmonised),
    FaultSpec(
        "harmonised-leaks-into-old-versions",
        "legacy preliminary payment details carry beloppstyp (not in the legacy schema)",
        _legacy,
    ),
    FaultSpec(
        "bostadsbidrag-beloppsperiod-dropped",
        "the last beloppsperiod (beslut) of a bostadsbidrag ärende with several is dropped",
        _groups("FK:BOB"),
    ),
    FaultSpec(
        "duplicate-arenden-merged",
        "sjukpenning ärenden with the same anmälningsdatum (startades) are merged into one",
        _groups("FK:SJP"),
    ),
    FaultSpec(
        "karens-as-arende",
        "karensersättning is delivered as a sjukpenning ärende/beslut instead of only as payments",
        _groups("FK:SJP"),
    ),
    FaultSpec("pm-in-fk-model", "Pensionsmyndigheten's payments are put under formansinformation", _pm),
    FaultSpec(
        "period-over-two-years-accepted", "a period longer than two years is answered, not refused", _all
    ),
    FaultSpec("no-group-accepted", "a query naming no group and no övrig information is answered", _all),
    FaultSpec("unknown-actor-accepted", "an unknown aktorsId is answered as if entitled to everything", _all),
    FaultSpec("obehorig-delivered", "a group the actor is not entitled to is delivered (no OBEHORIG)", _all),
    FaultSpec("personnummer-in-error", "error messages contain the personnummer of the query", _all),
    FaultSpec("wrong-namespace", "the SOAP answer is in another version's namespace", _second_soap),
    FaultSpec(
        "required-element-missing", "utlamnare (with tillstand and kod) is omitted from the answer", _all
    ),
    FaultSpec("maintenance-ignored", "queries are answered inside a maintenance window", _all),
    FaultSpec("expired-user-accepted", "a user whose behörighet has expired is answered", _all),
    FaultSpec(
        "behorighet-three-years",
        "grants on or after 2025-04-11 are treated as valid 3 years instead of 2",
        _all,
    ),
    FaultSpec(
        "fsjp-dropped-before-cutoff",
        "förebyggande sjukpenning decided on or before 2024-05-19 is not delivered inside sjukpenningarende",
        _inside,
    ),
    FaultSpec(
        "old-grants-two-years",
        "grants before 2025-04-11 are treated as valid 2 years instead of 3",
        _all,
    ),
    FaultSpec(
        "unknown-version-answered",
        "a request to an unserved version's path is answered by the nearest served version, not refused",
        _all,
    ),
    FaultSpec("netto-mismatch", "effected payments have nettobelopp != bruttobelopp - avdragsbelopp", _all),
    FaultSpec(
        "agency-down-delivers-data",
        "an agency whose tillstand is not OK still delivers data",
        _all,
    ),
    FaultSpec(
        "invalid-personnummer-accepted",
        "a personnummer whose check digit (Luhn) is wrong is accepted",
        _all,
        only_fuzzing=True,
    ),
    FaultSpec(
        "server-error-on-rare-input",
        "a one-day period on 29 February crashes the provider (500 / soap:Server INTERNT_FEL)",
        _all,
        only_fuzzing=True,
    ),
    FaultSpec(
        "schema-violation-on-rare-branch",
        "ovrigInformation FK:STAV with a period starting on the 1st of a month gives typ.id as a string",
        _all,
        only_fuzzing=True,
    ),
    FaultSpec(
        "obehorig-data-delivered",
        "a group reported as avvikelse OBEHORIG is delivered all the same",
        _all,
    ),
    FaultSpec(
        "ten-digit-personnummer-refused",
        "a personnummer given with 10 digits (no century; the contract allows 10 or 12) is refused as bad input",
        _all,
        only_fuzzing=True,
    ),
    FaultSpec(
        "served-contract-drift",
        "the served contract (XSD / OpenAPI) no longer lists the version's last FK group code; answers unchanged",
        _all,
        only_compat=True,
    ),
    # --- issue 13 (fuzzing): the HTTP and request-shape rules schemathesis' default checks and the XML coverage
    # phase test; only fuzzing sends the requests that break them.
    FaultSpec(
        "undeclared-method-not-found",
        "a method the contract does not declare on a served path is answered 404 instead of 405 with Allow",
        _all,
        only_fuzzing=True,
    ),
    FaultSpec(
        "user-header-length-unchecked",
        "an X-Lefi-Anvandare header shorter than 1 or longer than 64 characters is answered, not refused",
        _rest,
        only_fuzzing=True,
    ),
    FaultSpec(
        "request-schema-unchecked",
        "a query that breaks the request schema (e.g. ovrigInformation not a list, an XSD facet) is answered",
        _all,
        only_fuzzing=True,
    ),
)


def _has_later(v: VersionInfo) -> bool:
    """A version some later served version extends (every one but the newest)."""
    served = [x.number for x in registry().served()]
    return v.number in served and served.index(v.number) < len(served) - 1


# -- disclosure faults (issue 12): each breaks one disclosure rule of lefi_contracts.oracles.disclosure ---------
_DISCLOSURE_SPECS: tuple[FaultSpec, ...] = (
    FaultSpec(
        "period-ignored",
        "the asked period is ignored: ärenden, payments and PM data from any date are delivered",
        _all,
    ),
    FaultSpec(
        "unasked-group-delivered",
        "every FK group the aktör may read is delivered under formansinformation, asked or not",
        _all,
    ),
    FaultSpec(
        "other-person-in-answer",
        "the answer names another person's personnummer (in the utlämnare's tillstånd text)",
        _all,
    ),
    FaultSpec(
        "later-structure-leaks",
        "v8's own set forebyggandeSjukpenningsarende is delivered where förebyggande sjukpenning belongs inside "
        "sjukpenning",
        _inside,
    ),
    FaultSpec(
        "later-group-code-leaks",
        "an avvikelse names a group code only a later version serves (where the own set cannot leak)",
        lambda v: _has_later(v) and not _inside(v),
    ),
)
_SPECS = _SPECS + _DISCLOSURE_SPECS
# -- end of disclosure faults ---------------------------------------------------------------------------------

_BY_NAME = {spec.name: spec for spec in _SPECS}


def list_faults(reg: Registry | None = None) -> list[Fault]:
    """Every named fault with the served versions it affects (for `serve --list-faults` and the tests)."""
    reg = reg or registry()
    served = reg.served()
    return [
        Fault(
            name=s.name,
            description=s.description,
            versions=tuple(v.number for v in served if s.selector(v)),
            only_fuzzing=s.only_fuzzing,
            only_compat=s.only_compat,
        )
        for s in _SPECS
    ]


def fault_names() -> list[str]:
    return [s.name for s in _SPECS]


def validate_faults(names: Iterable[str]) -> frozenset[str]:
    """The given names as a set, or a UsageError naming the unknown ones and listing the known ones."""
    chosen = frozenset(n.strip() for n in names if n and n.strip())
    unknown = sorted(chosen - _BY_NAME.keys())
    if unknown:
        raise UsageError(f"unknown fault(s) {', '.join(unknown)}; known faults: {', '.join(fault_names())}")
    return chosen


def affects(name: str, version: VersionInfo) -> bool:
    return _BY_NAME[name].selector(version)


class ActiveFaults:
    """The faults switched on in one provider, asked per version: `faults.on("netto-mismatch", v)`."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = validate_faults(names)

    def on(self, name: str, version: VersionInfo | None = None) -> bool:
        if name not in _BY_NAME:
            raise KeyError(name)
        if name not in self.names:
            return False
        return version is None or affects(name, version)
