"""The provider's business rules, one code path for every version (SOAP and REST call the same engine).

Everything that differs between versions is read from the registry's behaviour flags; the answer is a dict in
v9's shape (utlamnare, avvikelser, formansinformation, PM lists) that render.py turns into JSON or XML.

Separate on purpose from lefi_contracts.oracles, the rules the suite checks: the checker must not share code with
what it checks, or a mistake in one would be copied into the other and never seen. (Only calendar arithmetic is
shared, and the oracle does not depend on its reading of 29 February.)
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lefi_contracts import personnummer
from lefi_contracts.calendar import add_years
from lefi_contracts.contracts import QUERY_SECTIONS, VersionInfo
from lefi_contracts.provider.clock import Clock
from lefi_contracts.provider.dataset import BEHORIGHET_CHANGE, WIDE_FROM, WIDE_TOM, code_lists
from lefi_contracts.provider.faults import ActiveFaults
from lefi_contracts.provider.store import ActorRow, Store

log = logging.getLogger("lefi_contracts.provider")

_PNR = re.compile(r"^([0-9]{2})?([0-9]{10})$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
AGENCY_NAMES = {"FK": "Försäkringskassan", "PM": "Pensionsmyndigheten"}
TILLSTAND_TEXT = {
    "OK": "Utlämnaren svarar normalt",
    "FELANDE": "Utlämnaren svarar med fel",
    "OTILLGANGLIG": "Utlämnaren är inte tillgänglig",
}
LISTS = QUERY_SECTIONS


class Rejected(Exception):
    """A refused request: HTTP status for REST, fel kod and faultcode for SOAP. The message is Swedish, no numbers."""

    def __init__(self, status: int, kod: str, meddelande: str) -> None:
        super().__init__(meddelande)
        self.status = status
        self.kod = kod
        self.meddelande = meddelande

    @property
    def soap_faultcode(self) -> str:
        return "soap:Server" if self.status >= 500 else "soap:Client"


def bad_request(meddelande: str) -> Rejected:
    return Rejected(400, "FELAKTIGA_INDATA", meddelande)


@dataclass
class ProviderQuery:
    """A hämtningsfråga as both transports carry it (raw values: validation is the engine's job)."""

    aktors_id: str
    anvandare: str | None = None
    personnummer: Any = None
    period_from: Any = None
    period_tom: Any = None
    lists: dict[str, list[Any]] = field(default_factory=dict)


class Engine:
    def __init__(
        self, store: Store, clock: Clock, faults: ActiveFaults, agency_state: dict[str, str]
    ) -> None:
        self.store = store
        self.clock = clock
        self.faults = faults
        self.agency_state = dict(agency_state)
        codes = code_lists()
        self.group_info = {c["kod"]: c for c in codes["formansgrupper"]["codes"]}
        self.ovrig_info = {c["kod"]: c for c in codes["ovrig-information"]["codes"]}
        self._allowed: dict[tuple[str, str], frozenset[str]] = {}

    # --- code sets per version (registry-driven) ------------------------------------------------------------
    def fk_groups(self, v: VersionInfo) -> list[str]:
        return list(v.behaviour.formansgrupper)

    def pm_groups(self, v: VersionInfo) -> list[str]:
        if not v.behaviour.pensionsmyndigheten:
            return []
        return [k for k, c in self.group_info.items() if c.get("utlamnare") == "PM"]

    def ovrig_codes(self, v: VersionInfo) -> list[str]:
        return [
            k
            for k, c in self.ovrig_info.items()
            if c.get("utlamnare") == "FK" or v.behaviour.pensionsmyndigheten
        ]

    def allowed(self, v: VersionInfo, list_name: str) -> frozenset[str]:
        key = (v.number, list_name)
        cached = self._allowed.get(key)
        if cached is None:
            cached = self._allowed[key] = frozenset(self._allowed_codes(v, list_name))
        return cached

    def _allowed_codes(self, v: VersionInfo, list_name: str) -> list[str]:
        return {
            "formansinformation": self.fk_groups(v),
            "ansprak": self.pm_groups(v),
            "beslut": self.pm_groups(v),
            "preliminaraUtbetalningar": self.fk_groups(v) + self.pm_groups(v),
            "utbetalningar": self.fk_groups(v) + self.pm_groups(v),
            "ovrigInformation": self.ovrig_codes(v),
        }[list_name]

    def agencies(self, v: VersionInfo) -> list[str]:
        return ["FK", "PM"] if v.behaviour.pensionsmyndigheten else ["FK"]

    def state(self, agency: str) -> str:
        return self.agency_state.get(agency, "OK")

    def agency_of(self, code: str) -> str:
        return code.split(":", 1)[0]

    def describe(self, code: str) -> str:
        info = self.group_info.get(code) or self.ovrig_info.get(code) or {}
        return str(info.get("namn", code))

    # --- access ---------------------------------------------------------------------------------------------
    def check_actor(self, v: VersionInfo, aktors_id: str) -> ActorRow:
        actor = self.store.actor(aktors_id) if isinstance(aktors_id, str) and len(aktors_id) <= 200 else None
        if actor is not None and actor.representable:
            return actor
        if self.faults.on("unknown-actor-accepted", v) and actor is None:
            everything = frozenset(self.fk_groups(v) + self.pm_groups(v))
            return ActorRow(aktors_id, "okänd", "okänd", True, everything, frozenset(self.ovrig_codes(v)))
        raise Rejected(403, "OKAND_AKTOR", "Aktören är okänd eller får inte företrädas av anroparen.")

    def check_user(self, v: VersionInfo, actor: ActorRow, anvandare: str | None) -> None:
        if anvandare is None or anvandare == "":
            return  # system call: no handläggare to check
        found = self.store.user(anvandare) if len(anvandare) <= 200 else None
        if found is None or found[0] != actor.aktors_id:
            raise Rejected(403, "ANVANDARE_OBEHORIG", "Användaren saknar behörighet för aktören.")
        granted = dt.date.fromisoformat(found[1])
        old_grant = granted < BEHORIGHET_CHANGE and not self.faults.on("old-grants-two-years", v)
        years = 3 if old_grant or self.faults.on("behorighet-three-years", v) else 2
        if self.clock.today() >= add_years(granted, years) and not self.faults.on("expired-user-accepted", v):
            raise Rejected(403, "ANVANDARE_OBEHORIG", "Användarens behörighet har upphört att gälla.")

    # --- validation -----------------------------------------------------------------------------------------
    def _msg(self, v: VersionInfo, text: str, pnr: Any) -> str:
        if self.faults.on("personnummer-in-error", v) and isinstance(pnr, str):
            return f"{text} (personnummer {pnr})"
        return text

    def validate(
        self, v: VersionInfo, q: ProviderQuery
    ) -> tuple[str, dt.date, dt.date, dict[str, list[str]]]:
        pnr = q.personnummer
        if not isinstance(pnr, str) or not pnr:
            raise bad_request(self._msg(v, "Personnummer saknas.", pnr))
        if not _PNR.match(pnr):
            raise bad_request(self._msg(v, "Personnumret ska bestå av 10 eller 12 siffror.", pnr))
        if len(pnr) == 10 and self.faults.on("ten-digit-personnummer-refused", v):
            raise bad_request("Personnumret ska bestå av 12 siffror.")  # the fault: the contract allows 10
        try:
            ident = personnummer.parse(pnr, today=self.clock.today())
        except personnummer.InvalidPersonnummer as exc:
            if not (
                str(exc).startswith("check digit") and self.faults.on("invalid-personnummer-accepted", v)
            ):
                raise bad_request(
                    self._msg(v, "Personnumret är ogiltigt (kontrollsiffra eller datum).", pnr)
                ) from None
            repaired = _with_right_check_digit(
                pnr, self.clock.today()
            )  # the fault skips Luhn only, not the date
            if repaired is None:
                raise bad_request(
                    self._msg(v, "Personnumret är ogiltigt (kontrollsiffra eller datum).", pnr)
                ) from None
            ident = repaired
        twelve = ident.twelve
        fran, tom = self._period(v, q, pnr)
        lists: dict[str, list[str]] = {}
        for name in LISTS:
            raw = q.lists.get(name) or []
            if not raw:  # most lists of a query are empty: nothing to check
                lists[name] = []
                continue
            if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
                raise bad_request(f"{name} ska vara en lista av koder.")
            allowed = self.allowed(v, name)
            unknown = [c for c in raw if c not in allowed]
            if unknown:
                raise bad_request(f"Okänd kod i {name}: {', '.join(sorted(set(unknown)))[:200]}.")
            if len(set(raw)) != len(raw):
                # The JSON contract declares uniqueItems; the XSDs allow a repeated element, so SOAP accepts
                # a repeat and answers it once.
                if v.transport == "rest":
                    raise bad_request(f"En kod förekommer flera gånger i {name}.")
                raw = list(dict.fromkeys(raw))
            lists[name] = list(raw)
        if not any(lists.values()) and not self.faults.on("no-group-accepted", v):
            raise bad_request("Frågan anger ingen förmånsgrupp och ingen typ av övrig information.")
        if (
            fran == tom
            and fran.month == 2
            and fran.day == 29
            and self.faults.on("server-error-on-rare-input", v)
        ):
            raise RuntimeError("skottdag")  # the fault: an unhandled error on a rare but valid input
        return twelve, fran, tom, lists

    def _period(self, v: VersionInfo, q: ProviderQuery, pnr: Any) -> tuple[dt.date, dt.date]:
        dates = []
        for label, raw in (("from", q.period_from), ("tom", q.period_tom)):
            if raw is None:
                raise bad_request(f"Perioden saknar {label}.")
            if not isinstance(raw, str) or not _DATE.match(raw):
                raise bad_request(f"Periodens {label} ska vara ett datum (ÅÅÅÅ-MM-DD).")
            try:
                dates.append(dt.date.fromisoformat(raw))
            except ValueError:
                raise bad_request(f"Periodens {label} är inget giltigt datum.") from None
        fran, tom = dates
        if tom < fran:
            raise bad_request(self._msg(v, "Periodens tom ligger före dess from.", pnr))
        if tom > add_years(fran, 2) and not self.faults.on("period-over-two-years-accepted", v):
            raise bad_request(self._msg(v, "Perioden är längre än två år.", pnr))
        return fran, tom

    # --- the answer -----------------------------------------------------------------------------------------
    def hamta(self, v: VersionInfo, q: ProviderQuery) -> dict[str, Any]:
        actor = self.check_actor(v, q.aktors_id)
        self.check_user(v, actor, q.anvandare)
        pnr, fran, tom, lists = self.validate(v, q)
        f, t = fran.isoformat(), tom.isoformat()
        # -- disclosure fault (issue 12) ------------------------------------------------------------------
        if self.faults.on("period-ignored", v):
            f, t = WIDE_FROM, WIDE_TOM  # the fault: data from any date
        # -- end of disclosure fault ----------------------------------------------------------------------
        delivers = {
            a: self.state(a) == "OK" or self.faults.on("agency-down-delivers-data", v)
            for a in self.agencies(v)
        }
        avvikelser: dict[str, list[dict[str, Any]]] = {}
        granted: dict[str, list[str]] = {}
        for name, codes in lists.items():
            ok = []
            for code in codes:
                if not delivers.get(self.agency_of(code), False):
                    continue  # an agency that is not OK contributes neither data nor avvikelser
                entitled = code in (actor.ovrig if name == "ovrigInformation" else actor.groups)
                if entitled or self.faults.on("obehorig-delivered", v):
                    ok.append(code)
                else:
                    if self.faults.on("obehorig-data-delivered", v):
                        ok.append(code)  # the fault: reported OBEHORIG below, yet delivered
                    key = "ovrigInformationstyp" if name == "ovrigInformation" else "formansgrupp"
                    avvikelser.setdefault(name, []).append(
                        {
                            "avvikelse": {"kod": "OBEHORIG", "beskrivning": "Aktören saknar behörighet."},
                            key: {"kod": code, "beskrivning": self.describe(code)},
                        }
                    )
            granted[name] = ok
        # -- disclosure fault (issue 12): a later version's group code where the own set cannot leak ----------
        if self.faults.on("later-group-code-leaks", v):
            later = [
                k
                for k, c in self.group_info.items()
                if c.get("utlamnare") == "FK" and k not in v.behaviour.formansgrupper
            ]
            for code in later[:1]:
                avvikelser.setdefault("formansinformation", []).append(
                    {
                        "avvikelse": {"kod": "OBEHORIG", "beskrivning": "Aktören saknar behörighet."},
                        "formansgrupp": {"kod": code, "beskrivning": self.describe(code)},
                    }
                )
        # -- end of disclosure fault ----------------------------------------------------------------------
        # -- disclosure fault (issue 12) ------------------------------------------------------------------
        if self.faults.on("unasked-group-delivered", v) and delivers.get("FK", False):
            asked = set(granted["formansinformation"])
            granted["formansinformation"] += [
                c for c in self.fk_groups(v) if c in actor.groups and c not in asked
            ]
        # -- end of disclosure fault ----------------------------------------------------------------------
        fi: dict[str, list[Any]] = {}
        self._arenden(v, pnr, f, t, granted["formansinformation"], fi)
        self._payments(v, pnr, f, t, granted, fi)
        self._ovrig(v, pnr, f, t, granted["ovrigInformation"], fi)
        answer: dict[str, Any] = {}
        if not self.faults.on("required-element-missing", v):
            answer["utlamnare"] = [
                {
                    "utlamnare": {"kod": a, "namn": AGENCY_NAMES[a]},
                    "tillstand": {"kod": self.state(a), "beskrivning": TILLSTAND_TEXT[self.state(a)]},
                }
                for a in self.agencies(v)
            ]
            # -- disclosure fault (issue 12) --------------------------------------------------------------
            if self.faults.on("other-person-in-answer", v):
                other = personnummer.make(dt.date(1951, 3, 4), 417)
                other = other if other != pnr else personnummer.make(dt.date(1951, 3, 4), 418)
                tillstand = answer["utlamnare"][0]["tillstand"]
                tillstand["beskrivning"] += f" (uppgifter även för {other})"
            # -- end of disclosure fault ------------------------------------------------------------------
        if avvikelser:
            answer["avvikelser"] = avvikelser
        if fi:
            answer["formansinformation"] = fi
        if v.behaviour.pensionsmyndigheten:
            self._pm(v, pnr, f, t, granted, answer)
        return answer  # private keys (_legacy) never leave _classify

    def _arenden(
        self, v: VersionInfo, pnr: str, f: str, t: str, groups: list[str], fi: dict[str, list[Any]]
    ) -> None:
        fsjp = v.behaviour.forebyggande_sjukpenning
        for row in self.store.items(pnr, "arende", groups, f, t):
            if row.grupp == "FK:FSJP" and self.faults.on("fsjp-own-set-missing", v):
                continue
            fi.setdefault(row.key, []).append(row.payload)
        if fsjp.mode == "inside_sjukpenning" and "FK:SJP" in groups:
            until = fsjp.until.isoformat() if fsjp.until else WIDE_TOM
            for row in self.store.items(pnr, "arende", ["FK:FSJP"], f, t):
                arende = copy.deepcopy(row.payload)
                if self.faults.on("fsjp-dropped-before-cutoff", v):
                    arende["beslut"] = []
                elif not self.faults.on("fsjp-leaks-into-old-versions", v):
                    arende["beslut"] = [b for b in arende["beslut"] if b["fattades"] <= until]
                if arende["beslut"]:
                    fi.setdefault("sjukpenningarende", []).append(arende)
                # -- disclosure fault (issue 12): v8's own set in a version that has none -------------------
                if self.faults.on("later-structure-leaks", v):
                    fi.setdefault("forebyggandeSjukpenningsarende", []).append(copy.deepcopy(row.payload))
                # -- end of disclosure fault ----------------------------------------------------------------
        if "FK:SJP" in groups and self.faults.on("karens-as-arende", v):
            for row in self.store.items(pnr, "utbet", ["FK:SJP"], f, t, tag="karens"):
                period = row.payload["period"]
                fi.setdefault("sjukpenningarende", []).append(
                    {
                        "startades": period["fran"],
                        "aktivt": False,
                        "beslut": [
                            {
                                "fattades": row.payload["datum"],
                                "definitivt": True,
                                "forman": {"id": "SJP", "beskrivning": "Sjukpenning"},
                                "period": period,
                                "dagar": 1,
                                "karens": True,
                                "ersattning": "KARENSERSATTNING",
                            }
                        ],
                    }
                )
        if "sjukpenningarende" in fi and self.faults.on("duplicate-arenden-merged", v):
            merged: dict[str, dict[str, Any]] = {}
            for arende in fi["sjukpenningarende"]:
                if arende["startades"] in merged:
                    merged[arende["startades"]]["beslut"].extend(arende["beslut"])
                else:
                    merged[arende["startades"]] = copy.deepcopy(arende)
            fi["sjukpenningarende"] = list(merged.values())
        if "bostadsbidragsarende" in fi and self.faults.on("bostadsbidrag-beloppsperiod-dropped", v):
            fi["bostadsbidragsarende"] = [
                dict(a, beslut=a["beslut"][:-1]) if len(a.get("beslut", [])) > 1 else a
                for a in fi["bostadsbidragsarende"]
            ]

    def _payments(
        self,
        v: VersionInfo,
        pnr: str,
        f: str,
        t: str,
        granted: dict[str, list[str]],
        fi: dict[str, list[Any]],
    ) -> None:
        harmonised = v.behaviour.preliminara_utbetalningar == "harmonised"
        fk_prelim = [c for c in granted["preliminaraUtbetalningar"] if c.startswith("FK:")]
        for row in self.store.items(pnr, "prelim", fk_prelim, f, t):
            fi.setdefault("preliminarautbetalningar", []).append(self._classify(v, row.payload, harmonised))
        fk_utbet = [c for c in granted["utbetalningar"] if c.startswith("FK:")]
        for row in self.store.items(pnr, "utbet", fk_utbet, f, t):
            up = row.payload
            if self.faults.on("netto-mismatch", v):
                up = dict(up, nettobelopp={"summa": up["nettobelopp"]["summa"] + 100.0, "valuta": "SEK"})
            fi.setdefault("utbetalningsuppgift", []).append(up)

    def _classify(self, v: VersionInfo, up: dict[str, Any], harmonised: bool) -> dict[str, Any]:
        out = copy.deepcopy(up)
        legacy = out.pop("_legacy")
        if harmonised:
            if self.faults.on("beloppstyp-missing", v):
                for d in out["utbetalningsdetalj"]:
                    d.pop("beloppstyp", None)
            return out
        out["formansfamilj"] = legacy["formansfamilj"]
        for d in out["utbetalningsdetalj"]:
            d["forman"] = legacy["forman"]
            if not self.faults.on("harmonised-leaks-into-old-versions", v):
                d.pop("beloppstyp", None)
        return out

    def _ovrig(
        self, v: VersionInfo, pnr: str, f: str, t: str, codes: list[str], fi: dict[str, list[Any]]
    ) -> None:
        fk = [c for c in codes if c.startswith("FK:")]
        for row in self.store.items(pnr, "ovrig", fk, f, t):
            payload = row.payload
            if (
                row.grupp == "FK:STAV"
                and f.endswith("-01")
                and self.faults.on("schema-violation-on-rare-branch", v)
            ):
                payload = copy.deepcopy(payload)
                payload["typ"]["id"] = "ett"  # the fault: a string where the contract says integer
            fi.setdefault(row.key, []).append(payload)

    def _pm(
        self, v: VersionInfo, pnr: str, f: str, t: str, granted: dict[str, list[str]], answer: dict[str, Any]
    ) -> None:
        def pm(codes: Iterable[str]) -> list[str]:
            return [c for c in codes if c.startswith("PM:")]

        for list_name, kind in (("ansprak", "pm_ansprak"), ("beslut", "pm_beslut")):
            rows = self.store.items(pnr, kind, pm(granted[list_name]), f, t)
            if rows:
                answer[list_name] = [r.payload for r in rows]
        for list_name, kind in (("preliminaraUtbetalningar", "pm_prelim"), ("utbetalningar", "pm_utbet")):
            rows = self.store.items(pnr, kind, pm(granted[list_name]), f, t)
            if not rows:
                continue
            if list_name == "utbetalningar" and self.faults.on("pm-in-fk-model", v):
                fi = answer.setdefault("formansinformation", {})
                fi.setdefault("utbetalningsuppgift", []).extend(r.payload for r in rows)
            else:
                answer[list_name] = [r.payload for r in rows]
        rows = self.store.items(pnr, "pm_ovrig", pm(granted["ovrigInformation"]), WIDE_FROM, WIDE_TOM)
        if rows:
            answer["ovrigInformation"] = [r.payload for r in rows]

    def tillgangliga(self, v: VersionInfo, aktors_id: str) -> dict[str, Any]:
        """The groups and övrig information types the actor may read in this version."""
        actor = self.check_actor(v, aktors_id)

        def entries(codes: list[str], pool: frozenset[str]) -> list[dict[str, str]]:
            return [{"kod": c, "beskrivning": self.describe(c)} for c in codes if c in pool]

        out = {
            "formansinformation": entries(self.fk_groups(v), actor.groups),
            "ansprak": entries(self.pm_groups(v), actor.groups),
            "beslut": entries(self.pm_groups(v), actor.groups),
            "preliminaraUtbetalningar": entries(self.fk_groups(v) + self.pm_groups(v), actor.groups),
            "utbetalningar": entries(self.fk_groups(v) + self.pm_groups(v), actor.groups),
            "ovrigInformation": entries(self.ovrig_codes(v), actor.ovrig),
        }
        return {k: val for k, val in out.items() if val}


def _with_right_check_digit(pnr: str, today: dt.date) -> personnummer.Identity | None:
    """The number with its check digit corrected, if its date is real (so a Luhn-only fault keeps the date rule)."""
    fixed = pnr[:-1] + str(personnummer.luhn_check_digit(pnr[-10:-1]))
    try:
        ident = personnummer.parse(fixed, today=today)
    except personnummer.InvalidPersonnummer:
        return None
    return personnummer.Identity(ident.twelve[:-1] + pnr[-1], ident.birth_date, ident.samordningsnummer)
