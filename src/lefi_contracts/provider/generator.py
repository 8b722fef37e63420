"""The builders of the reference provider's stored rows: people, ärenden, payments, övrig information and PM data.

Everything a recipe does not state is drawn here from one random.Random(seed), in a fixed order, so that the same
seed gives byte-identical rows: names and addresses (from the tables), the övrig-information filler, amounts, and
the totals and facts that follow from drawn values. Every FK ärende is built by one table-driven builder from its
kind in reference-provider.tables.yaml.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from lefi_contracts import personnummer
from lefi_contracts.provider.recipes import Recipes, draw, end_of_month, plain

WIDE_FROM, WIDE_TOM = "0001-01-01", "9999-12-31"


def belopp(summa: float) -> dict[str, Any]:
    return {"summa": float(round(summa, 2)), "valuta": "SEK"}


def kod(id_: str, beskrivning: str) -> dict[str, str]:
    return {"id": id_, "beskrivning": beskrivning}


def siffer(id_: int, beskrivning: str) -> dict[str, Any]:
    return {"id": id_, "beskrivning": beskrivning}


def iso(day: dt.date) -> str:
    return day.isoformat()


@dataclass
class Item:
    """One stored row: an ärende, a payment, an övrig uppgift or a PM object, with its query columns."""

    pnr: str
    kind: str  # arende | prelim | utbet | ovrig | pm_ansprak | pm_beslut | pm_prelim | pm_utbet | pm_ovrig
    grupp: str
    key: str  # the formansinformation key (or PM list) the payload belongs to
    fran: str
    till: str
    payload: dict[str, Any]
    tag: str = ""  # e.g. "karens" on karensersättning payments


@dataclass(frozen=True)
class BeslutDates:
    """When a beslut was made and the period it decides; belopp overrides the kind's beslutatBruttobelopp."""

    fattades: dt.date
    fran: dt.date
    till: dt.date
    belopp: float | None = None


@dataclass(frozen=True)
class PaymentKind:
    """What classifies a payment: its group, förmånsfamilj, förmån, beloppstyp and deduction details."""

    group: str
    familj: dict[str, Any]
    forman: dict[str, Any]
    beloppstyp: str
    deductions: tuple[str, ...] = ("PS",)
    tag: str = ""

    @classmethod
    def from_recipe(cls, spec: dict[str, Any]) -> PaymentKind:
        return cls(
            group=spec["group"],
            familj=plain(spec["familj"]),
            forman=plain(spec["forman"]),
            beloppstyp=spec["beloppstyp"],
            deductions=tuple(spec.get("deductions", ("PS",))),
            tag=spec.get("tag", ""),
        )


class Generator:
    """Draws people and builds their rows; `persons` and `items` are the data set in the making."""

    def __init__(
        self, seed: int, recipes: Recipes, codes: dict[str, Any], group_names: dict[str, str]
    ) -> None:
        self.rng = random.Random(seed)
        self.recipes = recipes
        self.tables = recipes.tables
        self.beloppstyp_by_name = {c["beskrivning"]: c for c in codes["beloppstyper"]["codes"]}
        self.beloppstyp_by_id = {c["id"]: c for c in codes["beloppstyper"]["codes"]}
        self.group_names = group_names
        self.persons: list[dict[str, Any]] = []
        self.items: list[Item] = []
        self._used_numbers: set[str] = set()

    # --- people -------------------------------------------------------------------------------------------
    def new_identity_number(self, birth: dt.date, samordning: bool = False) -> str:
        while True:
            number = personnummer.make(birth, self.rng.randint(1, 999), samordning=samordning)
            if number not in self._used_numbers:
                self._used_numbers.add(number)
                return number

    def random_birth(self, first_year: int = 1950, last_year: int = 2003) -> dt.date:
        start = dt.date(first_year, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange((dt.date(last_year, 12, 31) - start).days))

    def person(self, samordning: bool = False) -> dict[str, Any]:
        rng, tables = self.rng, self.tables
        birth = self.random_birth()
        pnr = self.new_identity_number(birth, samordning)
        namn = f"{rng.choice(tables['first_names'])} {rng.choice(tables['last_names'])}"
        ort = rng.choice(tables["orter"])
        street = f"{rng.choice(tables['streets'])} {rng.randint(1, 60)}"
        info = {
            "personnummer": pnr,
            "foddes": iso(birth),
            "namn": namn,
            "skyddad": False,
            "adress": [
                {
                    "roller": [siffer(1, "Folkbokföringsadress")],
                    "utdelningadress": [street],
                    "postnummer": ort["postnummer"],
                    "postort": ort["postort"],
                    "land": {"kod": "SE", "namn": "Sverige"},
                }
            ],
            "civilstand": plain(rng.choice(tables["civilstand"])),
            "folkbokford": [{"lan": ort["lan"], "kommun": ort["kommun"]}],
        }
        person = {"pnr": pnr, "birth": birth, "samordning": samordning, "namn": namn, "info": info}
        self.persons.append(person)
        return person

    def child(self) -> dict[str, Any]:
        birth = self.random_birth(2012, 2023)
        return {
            "personnummer": self.new_identity_number(birth),
            "foddes": iso(birth),
            "namn": f"{self.rng.choice(self.tables['first_names'])} {self.tables['child_last_name']}",
        }

    def add(
        self,
        person: dict[str, Any],
        kind: str,
        grupp: str,
        key: str,
        fran: str,
        till: str,
        payload: Any,
        tag: str = "",
    ) -> None:
        self.items.append(Item(person["pnr"], kind, grupp, key, fran, till, payload, tag))

    # --- FK ärenden ---------------------------------------------------------------------------------------
    def arende(
        self,
        person: dict[str, Any],
        kind_name: str,
        startades: dt.date | None,
        beslut: list[BeslutDates],
    ) -> dict[str, Any]:
        """An ärende of `kind_name` (reference-provider.tables.yaml) with one beslut per entry of `beslut`."""
        kind = self.recipes.arende_kind(kind_name)
        arende: dict[str, Any] = plain(kind.get("arende", {}))
        if startades is not None:
            arende["startades"] = iso(startades)
        if kind.get("barn"):
            arende["grunduppgifter"] = {"barn": self.child()}
        arende["beslut"] = [self._beslut(kind, dates) for dates in beslut]
        fran = min(b["period"]["fran"] for b in arende["beslut"])
        till = max(b["period"]["till"] for b in arende["beslut"])
        self.add(person, "arende", kind["group"], kind["key"], fran, till, arende)
        return arende

    def arende_from_start(self, person: dict[str, Any], kind_name: str, start: dt.date) -> dict[str, Any]:
        """An ärende placed by its kind's timing: startades, fattades and the period's end counted from `start`."""
        timing = self.recipes.arende_kind(kind_name)["timing"]
        end = timing["till"]
        if "december_of_year" in end:
            till = dt.date(start.year + int(end["december_of_year"]), 12, 31)
        else:
            till = start + dt.timedelta(days=draw(self.rng, end["days"]))
        startades = start + dt.timedelta(days=timing["startades"]) if "startades" in timing else None
        fattades_rule = timing["fattades"]
        if isinstance(fattades_rule, dict):
            fattades = till + dt.timedelta(days=fattades_rule["after_end"])
        else:
            fattades = start + dt.timedelta(days=fattades_rule)
        return self.arende(person, kind_name, startades, [BeslutDates(fattades, start, till)])

    def _beslut(self, kind: dict[str, Any], dates: BeslutDates) -> dict[str, Any]:
        rng = self.rng
        beslut: dict[str, Any] = plain(kind.get("beslut", {}))
        beslut["fattades"] = iso(dates.fattades)
        beslut["period"] = {"fran": iso(dates.fran), "till": iso(dates.till)}
        calendar_days = (dates.till - dates.fran).days + 1
        if kind.get("dagar") == "calendar":
            beslut["dagar"] = calendar_days
        elif kind.get("dagar") == "five-per-week":
            beslut["dagar"] = 5 * ((dates.till - dates.fran).days // 7 + 1)
        elif "dagar" in kind:
            raise ValueError(f"dagar must be calendar or five-per-week, not {kind['dagar']!r}")
        if "ersattningsdagar" in kind:
            paid = kind["ersattningsdagar"]
            daily = draw(rng, paid["daily"])
            beslut["ersattningsdagar"] = [
                {
                    "ersattningsdatum": iso(dates.fran + dt.timedelta(days=i)),
                    "ersattningsbelopp": belopp(daily),
                }
                for i in range(min(calendar_days, int(paid["days"])))
            ]
        amount = dates.belopp if dates.belopp is not None else draw(rng, kind.get("belopp"))
        if amount is not None:
            beslut["beslutatBruttobelopp"] = belopp(amount)
            if "underlag" in kind:
                beslut["underlag"] = {
                    field: [belopp(amount * m) for m in multiple]
                    if isinstance(multiple, list)
                    else belopp(amount * multiple)
                    for field, multiple in kind["underlag"].items()
                }
        if "omfattning" in kind:
            share = kind["omfattning"]
            beslut["omfattning"] = {
                "taljare": draw(rng, share["taljare"]),
                "namnare": draw(rng, share["namnare"]),
            }
        return beslut

    # --- payments -----------------------------------------------------------------------------------------
    def detail(
        self,
        forman: dict[str, Any],
        fran: dt.date,
        till: dt.date,
        beloppstyp_id: str,
        amount: float,
        dagar: int | None = None,
    ) -> dict[str, Any]:
        beloppstyp = self.beloppstyp_by_id[beloppstyp_id]
        detail: dict[str, Any] = {
            "forman": forman,
            "period": {"fran": iso(fran), "till": iso(till)},
            "beloppstyp": kod(beloppstyp["id"], beloppstyp["beskrivning"]),
        }
        if dagar is not None:
            detail["dagar"] = dagar
        slot = {"skatt": "skattebelopp", "avdrag": "avdragsbelopp"}.get(beloppstyp["kind"], "bruttobelopp")
        detail[slot] = belopp(amount)
        return detail

    @staticmethod
    def uppgift(
        familj: dict[str, Any],
        datum: dt.date,
        fran: dt.date,
        till: dt.date,
        details: list[dict[str, Any]],
        *,
        preliminar: bool,
    ) -> dict[str, Any]:
        """A LefiUtbetalningUppgift whose totals are the sums of its details: avdrag includes skatt, netto = brutto - avdrag."""
        brutto = sum(d.get("bruttobelopp", {}).get("summa", 0.0) for d in details)
        skatt = sum(d.get("skattebelopp", {}).get("summa", 0.0) for d in details)
        avdrag = skatt + sum(d.get("avdragsbelopp", {}).get("summa", 0.0) for d in details)
        return {
            "typ": siffer(4, "Presumtiv") if preliminar else siffer(1, "Månad"),
            "foretag": siffer(1001, "Försäkringskassan"),
            "formansfamilj": familj,
            "datum": iso(datum),
            "period": {"fran": iso(fran), "till": iso(till)},
            "bruttobelopp": belopp(brutto),
            "skattebelopp": belopp(skatt),
            "avdragsbelopp": belopp(avdrag),
            "nettobelopp": belopp(brutto - avdrag),
            "utbetalningsdetalj": details,
        }

    def payment(
        self,
        person: dict[str, Any],
        kind: PaymentKind,
        datum: dt.date,
        fran: dt.date,
        till: dt.date,
        amount: float,
        *,
        preliminar: bool = False,
        legacy: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An effected (or preliminary) payment: one ersättning detail, one detail per deduction, and the totals."""
        shares = self.tables["deduction_shares"]
        details = [
            self.detail(kind.forman, fran, till, kind.beloppstyp, amount, dagar=(till - fran).days + 1)
        ]
        details += [
            self.detail(kind.forman, fran, till, code, round(amount * shares[code]))
            for code in kind.deductions
        ]
        uppgift = self.uppgift(kind.familj, datum, fran, till, details, preliminar=preliminar)
        if legacy is not None:
            uppgift["_legacy"] = legacy
        row_kind, key = (
            ("prelim", "preliminarautbetalningar") if preliminar else ("utbet", "utbetalningsuppgift")
        )
        self.add(person, row_kind, kind.group, key, iso(fran), iso(till), uppgift, kind.tag)
        return uppgift

    def monthly_payment(
        self, person: dict[str, Any], kind: PaymentKind, month: dt.date, paid_days_after: int, amount: Any
    ) -> dict[str, Any]:
        """A payment for the calendar month of `month`, paid `paid_days_after` days after it ends (amount drawn)."""
        fran, till = month.replace(day=1), end_of_month(month)
        drawn = float(draw(self.rng, amount))
        return self.payment(person, kind, till + dt.timedelta(days=paid_days_after), fran, till, drawn)

    # --- övrig information and PM -------------------------------------------------------------------------
    def ovrig(self, person: dict[str, Any]) -> None:
        """Generell personinformation, and by chance SGI, a studiemedelsavisering and a skatteuppgift."""
        rng = self.rng
        self.add(person, "ovrig", "FK:GEPI", "generellPersoninformation", WIDE_FROM, WIDE_TOM, person["info"])
        if rng.random() < 0.5:
            sgi = {
                "faststalldes": iso(dt.date(2024, rng.randint(1, 12), 1)),
                "typ": siffer(0, "A- eller B-inkomst"),
                "anstallning": belopp(rng.randrange(250, 600) * 1000),
            }
            self.add(
                person, "ovrig", "FK:SGI", "sjukpenninggrundandeInkomstuppgift", WIDE_FROM, WIDE_TOM, sgi
            )
        if rng.random() < 0.3:
            start = dt.date(2024, rng.choice([1, 8]), rng.choice([1, 15]))
            end = start + dt.timedelta(days=140)
            stav = {
                "typ": siffer(1, "Studiemedel beviljat"),
                "period": {"fran": iso(start), "till": iso(end)},
            }
            self.add(person, "ovrig", "FK:STAV", "studiemedelsavisering", iso(start), iso(end), stav)
        if rng.random() < 0.2:
            skatt = {"skatteredovisningsnummer": f"DE{rng.randrange(10**9, 10**10)}"}
            self.add(person, "ovrig", "FK:SKUP", "skatteuppgift", WIDE_FROM, WIDE_TOM, skatt)

    def pensionsmyndigheten(
        self, person: dict[str, Any], start: dt.date, payments: int, preliminar_month: dt.date
    ) -> dict[str, Any]:
        """Allmän pension in PM's own model: ansprak, beslut, monthly payments from `start`, one preliminary
        payment for `preliminar_month` and a pensionsbehållning; returns the facts a scenario asserts."""
        rng = self.rng
        grupp = {"kod": "PM:AP", "beskrivning": self.group_names.get("PM:AP", "Allmän pension")}
        ansprakid, beslutsid = f"A-{rng.randrange(10**7, 10**8)}", f"B-{rng.randrange(10**7, 10**8)}"
        ankom, beslutsdatum = start - dt.timedelta(days=90), start - dt.timedelta(days=30)
        ansprak = {
            "ansprakid": ansprakid,
            "ankomstdatum": iso(ankom),
            "formansgrupp": grupp,
            "yrkadPeriod": {"from": iso(start)},
        }
        self.add(person, "pm_ansprak", "PM:AP", "ansprak", iso(ankom), WIDE_TOM, ansprak)
        manad = rng.randrange(9000, 22000)
        inkomstpension = {"kod": "PM:IP", "beskrivning": "Inkomstpension"}
        beslut = {
            "beslutsid": beslutsid,
            "beslutsdatum": iso(beslutsdatum),
            "formansgrupp": grupp,
            "beslutsstatus": {"kod": "SLUTLIGT", "beskrivning": "Slutligt"},
            "beslutsutfall": {"kod": "BIFALL", "beskrivning": "Bifall"},
            "beslutadErsattning": [
                {
                    "beslutatBelopp": {
                        "belopp": manad,
                        "beloppsfrekvens": {"kod": "MANAD", "beskrivning": "Månad"},
                    },
                    "period": {"from": iso(start)},
                    "ersattningstyp": inkomstpension,
                }
            ],
        }
        self.add(person, "pm_beslut", "PM:AP", "beslut", iso(beslutsdatum), WIDE_TOM, beslut)
        paid: list[dict[str, Any]] = []
        for i in range(payments):
            month = dt.date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
            paid.append(self._pm_payment(grupp, manad, month))
            self.add(
                person, "pm_utbet", "PM:AP", "utbetalningar", iso(month), iso(end_of_month(month)), paid[-1]
            )
        month, end = preliminar_month.replace(day=1), end_of_month(preliminar_month)
        preliminar = dict(
            paid[-1],
            utbetalningsdatum=iso(month.replace(day=19)),
            utbetalningsperiod={"from": iso(month), "tom": iso(end)},
        )
        self.add(person, "pm_prelim", "PM:AP", "preliminaraUtbetalningar", iso(month), iso(end), preliminar)
        konto = {
            "kontotyp": {"kod": "IP", "beskrivning": "Inkomstpension"},
            "kontovarden": [{"varde": manad * 200, "gallerFrom": "2024-12", "faststallelsear": "2024"}],
        }
        behallning = {
            "informationstyp": {
                "kod": "PM:PBH",
                "beskrivning": self.group_names.get("PM:PBH", "Pensionsbehållning"),
            },
            "pensionsbehallning": {"pensionskonton": [konto]},
        }
        self.add(person, "pm_ovrig", "PM:PBH", "ovrigInformation", WIDE_FROM, WIDE_TOM, behallning)
        return {
            "ansprakid": ansprakid,
            "beslutsid": beslutsid,
            "manadsbelopp": manad,
            "utbetalningar": len(paid),
        }

    @staticmethod
    def _pm_payment(grupp: dict[str, str], manad: int, month: dt.date) -> dict[str, Any]:
        skatt = round(manad * 0.25)
        return {
            "utbetalningsdatum": iso(month.replace(day=19)),
            "utbetalningsperiod": {"from": iso(month), "tom": iso(end_of_month(month))},
            "bruttobelopp": manad,
            "nettobelopp": manad - skatt,
            "avdrag": [{"belopp": skatt, "avdragstyp": {"kod": "PM:PS", "beskrivning": "Preliminär skatt"}}],
            "utbetalningsrader": [
                {
                    "formansgrupp": grupp,
                    "belopp": manad,
                    "utbetalningsforman": {
                        "kod": "PM:AP38",
                        "beskrivning": "Allmän pension född 1938 och senare",
                    },
                    "beloppstyp": {"kod": "PM:IP", "beskrivning": "Inkomstpension"},
                }
            ],
        }
