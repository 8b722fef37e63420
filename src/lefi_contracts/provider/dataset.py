"""The deterministic synthetic data set of the reference provider.

One canonical model, close to v9's FK JSON (arrays, LefiBelopp, LefiBokstavskod ...), from which every version is
rendered. Same seed -> byte-identical rows; a different seed -> different people. The personas that scenarios need
(förebyggande sjukpenning before/after 2024-05-19, bostadsbidrag with several beloppsperioder, ...) are placed
deliberately and described, with the facts a scenario asserts, in `Dataset.personas`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts import personnummer
from lefi_contracts.calendar import add_years
from lefi_contracts.contracts import default_contracts_dir
from lefi_contracts.errors import ContractError

# Bump when the generator changes: a stored database of another version is rebuilt.
DATASET_VERSION = "3"

WIDE_FROM, WIDE_TOM = "0001-01-01", "9999-12-31"
FSJP_CUTOFF = dt.date(2024, 5, 19)
BEHORIGHET_CHANGE = dt.date(2025, 4, 11)

# Which FK group a preliminary payment of a harmonised delförmån belongs to (our model: the note names förmåner,
# not groups). Keyed by the delförmån id of contracts/codes/forman-delforman.yaml.
PRELIM_GROUP = {
    "BOB": "FK:BOB",
    "AKS": "FK:PROG",
    "AMP": "FK:PROG",
    "DBOB": "FK:BOB",
    "FP": "FK:FP",
    "SJP": "FK:SJP",
    "TFP": "FK:TFP",
    "EJOB": "FK:EJO",
}
# The beloppstyp (by name, contracts/codes/beloppstyper.yaml) of a harmonised delförmån's payment rows (ours).
PRELIM_BELOPPSTYP = {
    "BOB": "Preliminärt bostadsbidrag",
    "AKS": "Aktivitetsstöd",
    "AMP": "Utvecklingsersättning",
    "DBOB": "Bostadsersättning",
    "FP": "Föräldrapenning",
    "SJP": "Tim/dagberäknad",
    "TFP": "Dubbeldagar",
    "EJOB": "Etableringsjobb",
}

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Sara",
    "Per",
    "Lena",
    "Nils",
    "Ingrid",
    "Olof",
    "Fatima",
    "Ali",
    "Elin",
    "Mikael",
    "Sofia",
    "Hassan",
    "Astrid",
    "Gustav",
    "Maja",
    "Emil",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Lindberg",
    "Holm",
    "Berg",
    "Lund",
    "Ahmed",
    "Sandberg",
    "Forsberg",
]
ORTER = [
    ("11122", "Stockholm", "01", "80"),
    ("41101", "Göteborg", "14", "80"),
    ("21115", "Malmö", "12", "80"),
    ("85230", "Sundsvall", "22", "81"),
    ("90325", "Umeå", "24", "80"),
    ("75320", "Uppsala", "03", "80"),
]


@lru_cache(maxsize=4)
def _load_codes(root: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("formansgrupper", "ovrig-information", "forman-delforman", "beloppstyper"):
        path = Path(root) / "codes" / f"{name}.yaml"
        try:
            out[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ContractError(f"code list {path} cannot be read ({exc.__class__.__name__})") from None
    return out


def code_lists(root: Path | None = None) -> dict[str, Any]:
    """The raw code lists of contracts/codes (formansgrupper, ovrig-information, forman-delforman, beloppstyper)."""
    return _load_codes(str(root or default_contracts_dir()))


def group_names(root: Path | None = None) -> dict[str, str]:
    codes = code_lists(root)
    return {
        c["kod"]: c["namn"] for c in codes["formansgrupper"]["codes"] + codes["ovrig-information"]["codes"]
    }


def codes_fingerprint(root: Path | None = None) -> str:
    """Part of the stored dataset identity: edited code lists rebuild the database."""
    return hashlib.sha256(json.dumps(code_lists(root), sort_keys=True, default=str).encode()).hexdigest()[:16]


def belopp(summa: float) -> dict[str, Any]:
    return {"summa": float(round(summa, 2)), "valuta": "SEK"}


def kod(id_: str, beskrivning: str) -> dict[str, str]:
    return {"id": id_, "beskrivning": beskrivning}


def siffer(id_: int, beskrivning: str) -> dict[str, Any]:
    return {"id": id_, "beskrivning": beskrivning}


def iso(d: dt.date) -> str:
    return d.isoformat()


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


@dataclass
class Actor:
    aktors_id: str
    name: str
    kind: str
    representable: bool
    groups: list[str]
    ovrig: list[str]


@dataclass
class User:
    anvandare: str
    aktors_id: str
    granted: str


@dataclass
class Dataset:
    seed: int
    persons: list[dict[str, Any]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    personas: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int, n_persons: int, root: Path | None) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = n_persons
        self.codes = code_lists(root)
        self.bt = {c["beskrivning"]: c for c in self.codes["beloppstyper"]["codes"]}
        self.bt_id = {c["id"]: c for c in self.codes["beloppstyper"]["codes"]}
        self.names = group_names(root)
        self.ds = Dataset(seed=seed)
        self.used: set[str] = set()

    # --- people -------------------------------------------------------------------------------------------
    def new_pnr(self, birth: dt.date, samordning: bool = False) -> str:
        while True:
            pnr = personnummer.make(birth, self.rng.randint(1, 999), samordning=samordning)
            if pnr not in self.used:
                self.used.add(pnr)
                return pnr

    def random_birth(self, lo: int = 1950, hi: int = 2003) -> dt.date:
        start = dt.date(lo, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange((dt.date(hi, 12, 31) - start).days))

    def person(self, samordning: bool = False) -> dict[str, Any]:
        birth = self.random_birth()
        pnr = self.new_pnr(birth, samordning)
        namn = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        postnr, ort, lan, kommun = self.rng.choice(ORTER)
        info = {
            "personnummer": pnr,
            "foddes": iso(birth),
            "namn": namn,
            "skyddad": False,
            "adress": [
                {
                    "roller": [siffer(1, "Folkbokföringsadress")],
                    "utdelningadress": [
                        f"{self.rng.choice(['Storgatan', 'Kungsgatan', 'Skolvägen'])} {self.rng.randint(1, 60)}"
                    ],
                    "postnummer": postnr,
                    "postort": ort,
                    "land": {"kod": "SE", "namn": "Sverige"},
                }
            ],
            "civilstand": self.rng.choice([siffer(1, "Ogift"), siffer(2, "Gift"), siffer(5, "Skild")]),
            "folkbokford": [{"lan": lan, "kommun": kommun}],
        }
        p = {"pnr": pnr, "birth": birth, "samordning": samordning, "namn": namn, "info": info}
        self.ds.persons.append(p)
        return p

    def child(self) -> dict[str, Any]:
        birth = self.random_birth(2012, 2023)
        return {
            "personnummer": self.new_pnr(birth),
            "foddes": iso(birth),
            "namn": f"{self.rng.choice(FIRST)} Barn",
        }

    def add(
        self,
        p: dict[str, Any],
        kind: str,
        grupp: str,
        key: str,
        fran: str,
        till: str,
        payload: Any,
        tag: str = "",
    ) -> None:
        self.ds.items.append(Item(p["pnr"], kind, grupp, key, fran, till, payload, tag))

    # --- FK ärenden ---------------------------------------------------------------------------------------
    def sjp_beslut(
        self,
        fattades: dt.date,
        fran: dt.date,
        till: dt.date,
        *,
        ersattning: str = "SJUKPENNING",
        forman: tuple[str, str] = ("SJP", "Sjukpenning"),
        niva: str = "NORMAL",
    ) -> dict[str, Any]:
        dagar = (till - fran).days + 1
        daily = self.rng.randrange(500, 1100)
        return {
            "fattades": iso(fattades),
            "definitivt": True,
            "forman": kod(*forman),
            "period": {"fran": iso(fran), "till": iso(till)},
            "omfattning": {"taljare": self.rng.choice([1, 3, 1]), "namnare": self.rng.choice([1, 4, 2])},
            "dagar": dagar,
            "karens": False,
            "beslutsutfall": "BEVILJAN",
            "beslutstyp": "SLUTLIGT",
            "ersattning": ersattning,
            "ersattningsniva": niva,
            "ersattningsdagar": [
                {"ersattningsdatum": iso(fran + dt.timedelta(days=i)), "ersattningsbelopp": belopp(daily)}
                for i in range(min(dagar, 2))
            ],
        }

    def sjp_arende(
        self, p: dict[str, Any], startades: dt.date, beslut: list[dict[str, Any]], grupp: str = "FK:SJP"
    ) -> dict[str, Any]:
        key = "sjukpenningarende" if grupp == "FK:SJP" else "forebyggandeSjukpenningsarende"
        arende = {"startades": iso(startades), "aktivt": True, "beslut": beslut}
        fran = min(b["period"]["fran"] for b in beslut)
        till = max(b["period"]["till"] for b in beslut)
        self.add(p, "arende", grupp, key, fran, till, arende)
        return arende

    def fsjp(self, p: dict[str, Any], startades: dt.date, beslut_dates: list[dt.date]) -> dict[str, Any]:
        beslut = [
            self.sjp_beslut(
                d,
                d,
                d + dt.timedelta(days=13),
                ersattning="FOREBYGGANDE_SJUKPENNING",
                forman=("FSJP", "Förebyggande sjukpenning"),
            )
            for d in beslut_dates
        ]
        return self.sjp_arende(p, startades, beslut, grupp="FK:FSJP")

    def bob(
        self, p: dict[str, Any], startades: dt.date, perioder: list[tuple[dt.date, dt.date, int]]
    ) -> dict[str, Any]:
        beslut = [
            {
                "fattades": iso(startades + dt.timedelta(days=7)),
                "definitivt": True,
                "forman": kod("BOB", "Bostadsbidrag"),
                "delforman": kod("BOB", "Bostadsbidrag"),
                "periodicitet": siffer(1, "Månad"),
                "period": {"fran": iso(f), "till": iso(t)},
                "beslutatBruttobelopp": belopp(amount),
                "underlag": {"totalBostadskostnad": belopp(amount * 4), "inkomster": [belopp(amount * 20)]},
            }
            for f, t, amount in perioder
        ]
        arende = {"startades": iso(startades), "aktivt": True, "avslaget": False, "beslut": beslut}
        self.add(
            p, "arende", "FK:BOB", "bostadsbidragsarende", iso(perioder[0][0]), iso(perioder[-1][1]), arende
        )
        return arende

    def fp(self, p: dict[str, Any], start: dt.date) -> None:
        till = start + dt.timedelta(days=self.rng.randrange(20, 120))
        arende = {
            "startades": iso(start - dt.timedelta(days=10)),
            "aktivt": True,
            "avslaget": False,
            "grunduppgifter": {"barn": self.child()},
            "beslut": [
                {
                    "fattades": iso(start - dt.timedelta(days=3)),
                    "definitivt": True,
                    "forman": kod("FP", "Föräldrapenning"),
                    "period": {"fran": iso(start), "till": iso(till)},
                    "omfattning": {"taljare": 1, "namnare": 1},
                    "dagar": (till - start).days + 1,
                }
            ],
        }
        self.add(p, "arende", "FK:FP", "foraldrapenningarende", iso(start), iso(till), arende)

    def tfp(self, p: dict[str, Any], start: dt.date) -> None:
        till = start + dt.timedelta(days=self.rng.randrange(1, 5))
        arende = {
            "startades": iso(start),
            "aktivt": False,
            "avslaget": False,
            "grunduppgifter": {"barn": self.child()},
            "beslut": [
                {
                    "fattades": iso(till + dt.timedelta(days=5)),
                    "definitivt": True,
                    "forman": kod("TFP", "Tillfällig föräldrapenning"),
                    "period": {"fran": iso(start), "till": iso(till)},
                    "omfattning": {"taljare": 1, "namnare": 1},
                    "dagar": (till - start).days + 1,
                }
            ],
        }
        self.add(p, "arende", "FK:TFP", "tillfalligForaldrapenningarende", iso(start), iso(till), arende)

    def barnbidrag(self, p: dict[str, Any], start: dt.date) -> None:
        till = dt.date(start.year + 2, 12, 31)
        arende = {
            "grunduppgifter": {"barn": self.child()},
            "beslut": [
                {
                    "fattades": iso(start - dt.timedelta(days=20)),
                    "definitivt": True,
                    "forman": kod("ABB", "Allmänt barnbidrag"),
                    "delforman": kod("ABB", "Allmänt barnbidrag"),
                    "periodicitet": siffer(1, "Månad"),
                    "period": {"fran": iso(start), "till": iso(till)},
                    "beslutatBruttobelopp": belopp(1250),
                }
            ],
        }
        self.add(p, "arende", "FK:ABB", "barnbidragsarende", iso(start), iso(till), arende)

    def aktivitetsstod(self, p: dict[str, Any], start: dt.date) -> None:
        till = start + dt.timedelta(days=self.rng.randrange(30, 180))
        arende = {
            "startades": iso(start - dt.timedelta(days=14)),
            "aktivt": True,
            "avslaget": False,
            "beslut": [
                {
                    "fattades": iso(start - dt.timedelta(days=2)),
                    "definitivt": True,
                    "forman": kod("AKS", "Aktivitetsstöd"),
                    "delforman": kod("AKS", "Aktivitetsstöd"),
                    "period": {"fran": iso(start), "till": iso(till)},
                    "beslutatBruttobelopp": belopp(self.rng.randrange(300, 910)),
                    "dagar": 5 * ((till - start).days // 7 + 1),
                    "karens": False,
                }
            ],
        }
        self.add(p, "arende", "FK:PROG", "aktivitetsstodsarende", iso(start), iso(till), arende)

    def sa(self, p: dict[str, Any], start: dt.date) -> None:
        till = dt.date(start.year + 3, 12, 31)
        arende = {
            "startades": iso(start - dt.timedelta(days=60)),
            "aktivt": True,
            "avslaget": False,
            "beslut": [
                {
                    "fattades": iso(start - dt.timedelta(days=10)),
                    "definitivt": True,
                    "forman": kod("SA", "Sjukersättning"),
                    "delforman": kod("SAI", "Inkomstrelaterad sjukersättning"),
                    "periodicitet": siffer(1, "Månad"),
                    "period": {"fran": iso(start), "till": iso(till)},
                    "beslutatBruttobelopp": belopp(self.rng.randrange(9000, 19000)),
                    "omfattning": {"taljare": 1, "namnare": 2},
                }
            ],
        }
        self.add(p, "arende", "FK:SA", "sjukOchAktivitetsersattningsarende", iso(start), iso(till), arende)

    # --- payments -----------------------------------------------------------------------------------------
    def detail(
        self,
        forman: dict[str, str],
        fran: dt.date,
        till: dt.date,
        beloppstyp_id: str,
        amount: float,
        dagar: int | None = None,
    ) -> dict[str, Any]:
        bt = self.bt_id[beloppstyp_id]
        d: dict[str, Any] = {
            "forman": forman,
            "period": {"fran": iso(fran), "till": iso(till)},
            "beloppstyp": kod(bt["id"], bt["beskrivning"]),
        }
        if dagar is not None:
            d["dagar"] = dagar
        slot = {"skatt": "skattebelopp", "avdrag": "avdragsbelopp"}.get(bt["kind"], "bruttobelopp")
        d[slot] = belopp(amount)
        return d

    def uppgift(
        self,
        familj: dict[str, str],
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

    def prelim(
        self, p: dict[str, Any], row: dict[str, Any], legacy: dict[str, Any], datum: dt.date
    ) -> dict[str, Any]:
        fran = datum.replace(day=1)
        till = (fran + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        bt = self.bt[PRELIM_BELOPPSTYP[row["delforman"]["id"]]]["id"]
        amount = float(self.rng.randrange(2000, 14000))
        details = [
            self.detail(row["delforman"], fran, till, bt, amount, dagar=(till - fran).days + 1),
            self.detail(row["delforman"], fran, till, "PS", round(amount * 0.3)),
        ]
        up = self.uppgift(row["forman"], datum, fran, till, details, preliminar=True)
        up["_legacy"] = {"formansfamilj": legacy["formansfamilj"], "forman": legacy["forman"]}
        self.add(
            p,
            "prelim",
            PRELIM_GROUP[row["delforman"]["id"]],
            "preliminarautbetalningar",
            iso(fran),
            iso(till),
            up,
        )
        return up

    def effected(
        self,
        p: dict[str, Any],
        grupp: str,
        familj: tuple[str, str],
        forman: tuple[str, str],
        beloppstyp: str,
        datum: dt.date,
        fran: dt.date,
        till: dt.date,
        amount: float,
        deductions: tuple[str, ...] = ("PS",),
        tag: str = "",
    ) -> dict[str, Any]:
        details = [self.detail(kod(*forman), fran, till, beloppstyp, amount, dagar=(till - fran).days + 1)]
        for code in deductions:
            share = 0.3 if code == "PS" else 0.05
            details.append(self.detail(kod(*forman), fran, till, code, round(amount * share)))
        up = self.uppgift(kod(*familj), datum, fran, till, details, preliminar=False)
        self.add(p, "utbet", grupp, "utbetalningsuppgift", iso(fran), iso(till), up, tag)
        return up

    # --- övrig information and PM -------------------------------------------------------------------------
    def ovrig(self, p: dict[str, Any]) -> None:
        self.add(p, "ovrig", "FK:GEPI", "generellPersoninformation", WIDE_FROM, WIDE_TOM, p["info"])
        if self.rng.random() < 0.5:
            sgi = {
                "faststalldes": iso(dt.date(2024, self.rng.randint(1, 12), 1)),
                "typ": siffer(0, "A- eller B-inkomst"),
                "anstallning": belopp(self.rng.randrange(250, 600) * 1000),
            }
            self.add(p, "ovrig", "FK:SGI", "sjukpenninggrundandeInkomstuppgift", WIDE_FROM, WIDE_TOM, sgi)
        if self.rng.random() < 0.3:
            start = dt.date(2024, self.rng.choice([1, 8]), self.rng.choice([1, 15]))
            stav = {
                "typ": siffer(1, "Studiemedel beviljat"),
                "period": {"fran": iso(start), "till": iso(start + dt.timedelta(days=140))},
            }
            self.add(
                p,
                "ovrig",
                "FK:STAV",
                "studiemedelsavisering",
                iso(start),
                iso(start + dt.timedelta(days=140)),
                stav,
            )
        if self.rng.random() < 0.2:
            self.add(
                p,
                "ovrig",
                "FK:SKUP",
                "skatteuppgift",
                WIDE_FROM,
                WIDE_TOM,
                {"skatteredovisningsnummer": f"DE{self.rng.randrange(10**9, 10**10)}"},
            )

    def pm(self, p: dict[str, Any], start: dt.date) -> dict[str, Any]:
        grupp = {"kod": "PM:AP", "beskrivning": self.names.get("PM:AP", "Allmän pension")}
        aid, bid = f"A-{self.rng.randrange(10**7, 10**8)}", f"B-{self.rng.randrange(10**7, 10**8)}"
        ankom = start - dt.timedelta(days=90)
        ansprak = {
            "ansprakid": aid,
            "ankomstdatum": iso(ankom),
            "formansgrupp": grupp,
            "yrkadPeriod": {"from": iso(start)},
        }
        self.add(p, "pm_ansprak", "PM:AP", "ansprak", iso(ankom), WIDE_TOM, ansprak)
        manad = self.rng.randrange(9000, 22000)
        beslut = {
            "beslutsid": bid,
            "beslutsdatum": iso(start - dt.timedelta(days=30)),
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
                    "ersattningstyp": {"kod": "PM:IP", "beskrivning": "Inkomstpension"},
                }
            ],
        }
        self.add(p, "pm_beslut", "PM:AP", "beslut", iso(start - dt.timedelta(days=30)), WIDE_TOM, beslut)
        payments = []
        for i in range(3):
            m = dt.date(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
            end = (m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            skatt = round(manad * 0.25)
            pay = {
                "utbetalningsdatum": iso(m.replace(day=19)),
                "utbetalningsperiod": {"from": iso(m), "tom": iso(end)},
                "bruttobelopp": manad,
                "nettobelopp": manad - skatt,
                "avdrag": [
                    {"belopp": skatt, "avdragstyp": {"kod": "PM:PS", "beskrivning": "Preliminär skatt"}}
                ],
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
            self.add(p, "pm_utbet", "PM:AP", "utbetalningar", iso(m), iso(end), pay)
            payments.append(pay)
        nxt = dt.date(2027, 1, 1)
        prel = dict(
            payments[-1],
            utbetalningsdatum="2027-01-19",
            utbetalningsperiod={"from": iso(nxt), "tom": "2027-01-31"},
        )
        self.add(p, "pm_prelim", "PM:AP", "preliminaraUtbetalningar", iso(nxt), "2027-01-31", prel)
        pbh = {
            "informationstyp": {
                "kod": "PM:PBH",
                "beskrivning": self.names.get("PM:PBH", "Pensionsbehållning"),
            },
            "pensionsbehallning": {
                "pensionskonton": [
                    {
                        "kontotyp": {"kod": "IP", "beskrivning": "Inkomstpension"},
                        "kontovarden": [
                            {"varde": manad * 200, "gallerFrom": "2024-12", "faststallelsear": "2024"}
                        ],
                    }
                ]
            },
        }
        self.add(p, "pm_ovrig", "PM:PBH", "ovrigInformation", WIDE_FROM, WIDE_TOM, pbh)
        return {"ansprakid": aid, "beslutsid": bid, "manadsbelopp": manad, "utbetalningar": len(payments)}


def _actor_id(seed: int, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lefi-contracts:{seed}:{name}"))


def build_dataset(seed: int = 20250317, n_persons: int = 240, root: Path | None = None) -> Dataset:
    """Build the whole data set in memory; the store persists it."""
    b = _Builder(seed, n_persons, root)
    rng, ds = b.rng, b.ds
    personas = ds.personas
    period_2024 = {"from": "2024-01-01", "tom": "2024-12-31"}

    def persona(name: str, p: dict[str, Any] | None, description: str, **facts: Any) -> None:
        entry: dict[str, Any] = {"description": description}
        if p is not None:
            entry["personnummer"] = p["pnr"]
        entry.update(facts)
        personas[name] = entry

    # Förebyggande sjukpenning after the cut-off: only v8+ (own set); never in 5-7.
    p = b.person()
    b.ovrig(p)
    b.fsjp(p, dt.date(2024, 5, 27), [dt.date(2024, 6, 3)])
    b.sjp_arende(
        p,
        dt.date(2024, 1, 8),
        [b.sjp_beslut(dt.date(2024, 1, 12), dt.date(2024, 1, 8), dt.date(2024, 1, 28))],
    )
    persona(
        "forebyggande-sjukpenning-after-cutoff",
        p,
        "förebyggande sjukpenning decided 2024-06-03 (after 2024-05-19) plus one ordinary sjukpenning ärende",
        fattades="2024-06-03",
        cutoff=iso(FSJP_CUTOFF),
        period=period_2024,
        groups=["FK:SJP", "FK:FSJP"],
        sjukpenning_arenden=1,
    )

    p = b.person()
    b.ovrig(p)
    b.fsjp(p, dt.date(2024, 3, 4), [dt.date(2024, 3, 11)])
    persona(
        "forebyggande-sjukpenning-before-cutoff",
        p,
        "förebyggande sjukpenning decided 2024-03-11 (on or before 2024-05-19)",
        fattades="2024-03-11",
        cutoff=iso(FSJP_CUTOFF),
        period=period_2024,
        groups=["FK:SJP", "FK:FSJP"],
    )

    p = b.person()
    b.ovrig(p)
    b.fsjp(p, dt.date(2024, 4, 29), [dt.date(2024, 5, 6), dt.date(2024, 6, 10)])
    persona(
        "forebyggande-sjukpenning-across-cutoff",
        p,
        "one förebyggande sjukpenning ärende with a beslut before (2024-05-06) and one after (2024-06-10) the cut-off",
        fattades_before="2024-05-06",
        fattades_after="2024-06-10",
        cutoff=iso(FSJP_CUTOFF),
        period=period_2024,
    )

    # Several sjukpenning ärenden with the same anmälningsdatum (startades).
    p = b.person()
    b.ovrig(p)
    shared = dt.date(2024, 9, 2)
    for i in range(3):
        f = shared + dt.timedelta(days=3)
        b.sjp_arende(p, shared, [b.sjp_beslut(dt.date(2024, 9, 9 + i), f, f + dt.timedelta(days=20))])
    persona(
        "flera-sjukpenningarenden-samma-anmalningsdatum",
        p,
        "three sjukpenning ärenden sharing the anmälningsdatum (startades) 2024-09-02",
        startades="2024-09-02",
        arenden=3,
        period=period_2024,
        groups=["FK:SJP"],
    )

    # Bostadsbidrag: one beslut per beloppsperiod.
    p = b.person()
    b.ovrig(p)
    perioder = [
        (dt.date(2024, 5, 1), dt.date(2024, 6, 30), 1800),
        (dt.date(2024, 7, 1), dt.date(2024, 8, 31), 2100),
        (dt.date(2024, 9, 1), dt.date(2024, 12, 31), 1650),
    ]
    b.bob(p, dt.date(2024, 4, 20), perioder)
    persona(
        "bostadsbidrag-flera-beloppsperioder",
        p,
        "one bostadsbidrag ärende with three beloppsperioder, each its own beslut",
        beloppsperioder=3,
        beslut=3,
        belopp=[a for _, _, a in perioder],
        period=period_2024,
        groups=["FK:BOB"],
    )

    # Karensersättning: only as sjukpenning payments, never an ärende.
    p = b.person()
    b.ovrig(p)
    kdag = dt.date(2024, 10, 14)
    up = b.effected(
        p,
        "FK:SJP",
        ("SJP", "Sjukpenning"),
        ("SJP", "Sjukpenning"),
        "TDB",
        dt.date(2024, 10, 25),
        kdag,
        kdag,
        804.0,
        tag="karens",
    )
    persona(
        "karensersattning",
        p,
        "karensersättning paid as a sjukpenning payment (utbetalningsuppgift, beloppstyp TDB); no sjukpenning ärende",
        datum="2024-10-25",
        karensdag=iso(kdag),
        beloppstyp="TDB",
        bruttobelopp=up["bruttobelopp"]["summa"],
        sjukpenning_arenden=0,
        period=period_2024,
        groups=["FK:SJP"],
    )

    # Pensionsmyndigheten (v9 only).
    p = b.person()
    p["birth"] = p["birth"]
    b.ovrig(p)
    facts = b.pm(p, dt.date(2024, 9, 1))
    b.sjp_arende(
        p, dt.date(2024, 2, 5), [b.sjp_beslut(dt.date(2024, 2, 9), dt.date(2024, 2, 5), dt.date(2024, 2, 25))]
    )
    persona(
        "pensionsmyndigheten-allman-pension",
        p,
        "allmän pension at Pensionsmyndigheten (ansprak, beslut, payments, pensionsbehållning) plus FK sjukpenning",
        period=period_2024,
        pm_groups=["PM:AP"],
        ovrig=["PM:PBH"],
        fk_groups=["FK:SJP"],
        **facts,
    )

    # Samordningsnummer (several).
    samordning = [b.person(samordning=True) for _ in range(4)]
    for i, sp in enumerate(samordning):
        b.ovrig(sp)
        b.sjp_arende(
            sp,
            dt.date(2024, 3, 1 + i),
            [b.sjp_beslut(dt.date(2024, 3, 8), dt.date(2024, 3, 4), dt.date(2024, 3, 24))],
        )
    persona(
        "samordningsnummer",
        samordning[0],
        "a person identified by a samordningsnummer, with sjukpenning",
        period=period_2024,
        groups=["FK:SJP"],
        samordningsnummer=True,
    )

    p = b.person()
    persona(
        "ingen-data",
        p,
        "a valid personnummer with no data at all (no ärenden, payments or person information)",
        period=period_2024,
    )

    # Effected payments with deductions.
    p = b.person()
    b.ovrig(p)
    ups = []
    for m in (3, 4, 5):
        f = dt.date(2024, m, 1)
        t = (f + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        ups.append(
            b.effected(
                p,
                "FK:SJP",
                ("SJP", "Sjukpenning"),
                ("SJP", "Sjukpenning"),
                "TDB",
                t + dt.timedelta(days=25),
                f,
                t,
                float(rng.randrange(8000, 20000)),
                deductions=("PS", "KVI"),
            )
        )
    b.sjp_arende(
        p,
        dt.date(2024, 2, 26),
        [b.sjp_beslut(dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 5, 31))],
    )
    persona(
        "effected-payments",
        p,
        "three effected sjukpenning payments with preliminär skatt (PS) and kvittning (KVI)",
        utbetalningar=3,
        period=period_2024,
        groups=["FK:SJP"],
        netto=[u["nettobelopp"]["summa"] for u in ups],
    )

    # Preliminary payments: one persona per harmonised förmån -> delförmån row.
    fd = b.codes["forman-delforman"]
    legacy_for = {
        (lg["same_payment_as"]["forman"], lg["same_payment_as"]["delforman"]): lg for lg in fd["legacy"]
    }
    for row in fd["rows"]:
        p = b.person()
        b.ovrig(p)
        legacy = legacy_for[(row["forman"]["id"], row["delforman"]["id"])]
        ups = [b.prelim(p, row, legacy, dt.date(2025, 1, 25)), b.prelim(p, row, legacy, dt.date(2025, 2, 25))]
        grupp = PRELIM_GROUP[row["delforman"]["id"]]
        name = f"preliminara-{_slug(row['forman']['beskrivning'])}-{_slug(row['delforman']['beskrivning'])}"
        if name in personas:
            name = f"{name}-{row['delforman']['id'].lower()}"
        persona(
            name,
            p,
            f"preliminary payments of förmån {row['forman']['beskrivning']} / delförmån {row['delforman']['beskrivning']}",
            group=grupp,
            forman=row["forman"],
            delforman=row["delforman"],
            beloppstyp=ups[0]["utbetalningsdetalj"][0]["beloppstyp"],
            legacy_formansfamilj=legacy["formansfamilj"],
            legacy_forman=legacy["forman"],
            payments=len(ups),
            period={"from": "2025-01-01", "tom": "2025-02-28"},
        )

    p = b.person()
    b.ovrig(p)
    b.add(
        p,
        "arende",
        "FK:PJOB",
        "programjobdagar",
        WIDE_FROM,
        WIDE_TOM,
        {"antalForbrukade": 212, "harForbrukatMaxAntal": False},
    )
    b.aktivitetsstod(p, dt.date(2024, 2, 5))
    persona(
        "programjobdagar",
        p,
        "programjobdagar (FK:PJOB, from version 6) and aktivitetsstöd (FK:PROG)",
        antal_forbrukade=212,
        period=period_2024,
        groups=["FK:PJOB", "FK:PROG"],
    )

    p = b.person()
    b.ovrig(p)
    b.add(
        p,
        "ovrig",
        "FK:STAV",
        "studiemedelsavisering",
        "2024-08-01",
        "2024-12-31",
        {"typ": siffer(1, "Studiemedel beviljat"), "period": {"fran": "2024-08-01", "till": "2024-12-31"}},
    )
    persona(
        "studiemedel",
        p,
        "a studiemedelsavisering (FK:STAV) 2024-08-01..2024-12-31",
        period={"from": "2024-08-01", "tom": "2024-12-31"},
        ovrig=["FK:STAV"],
    )

    # A spread of everyone else.
    makers = [
        lambda q, d: b.sjp_arende(
            q, d, [b.sjp_beslut(d + dt.timedelta(days=4), d, d + dt.timedelta(days=rng.randrange(7, 60)))]
        ),
        b.fp,
        b.tfp,
        b.barnbidrag,
        b.aktivitetsstod,
        b.sa,
        lambda q, d: b.bob(q, d, [(d, d + dt.timedelta(days=90), rng.randrange(900, 3000))]),
    ]
    while len(ds.persons) < n_persons:
        q = b.person(samordning=rng.random() < 0.01)
        b.ovrig(q)
        for _ in range(rng.randint(1, 3)):
            start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
            rng.choice(makers)(q, start)
        if rng.random() < 0.4:
            f = dt.date(2024, rng.randint(1, 11), 1)
            t = (f + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            b.effected(
                q,
                "FK:FP",
                ("FP", "Föräldrapenning"),
                ("FP", "Föräldrapenning"),
                "FPE",
                t + dt.timedelta(days=25),
                f,
                t,
                float(rng.randrange(3000, 25000)),
            )

    _actors_and_users(b, personas)
    return ds


def _actors_and_users(b: _Builder, personas: dict[str, dict[str, Any]]) -> None:
    fk_all = [c["kod"] for c in b.codes["formansgrupper"]["codes"]]
    ovrig_all = [c["kod"] for c in b.codes["ovrig-information"]["codes"]]
    specs = [
        ("municipality", "Exempelby kommun, socialtjänsten", "kommun", True, fk_all, ovrig_all),
        (
            "insurer",
            "Exempel Försäkring AB",
            "forsakringsbolag",
            True,
            ["FK:SJP", "FK:FSJP", "FK:RBE", "FK:SA", "FK:AS", "FK:YL", "FK:FP", "FK:TFP", "PM:AP"],
            ["FK:GEPI", "FK:SGI"],
        ),
        (
            "unemployment-fund",
            "Exempelkassan a-kassa",
            "a-kassa",
            True,
            [
                "FK:SJP",
                "FK:FSJP",
                "FK:FP",
                "FK:TFP",
                "FK:PROG",
                "FK:PJOB",
                "FK:EJO",
                "FK:ET",
                "FK:SA",
                "FK:RBE",
                "PM:AP",
            ],
            ["FK:GEPI", "FK:PANV", "FK:STAV", "FK:SGI"],
        ),
        ("system-vendor", "Exempel Systemleverantör AB (ombud)", "systemleverantor", True, fk_all, ovrig_all),
        (
            "not-representable-actor",
            "Aktör som anroparen inte får företräda",
            "kommun",
            False,
            fk_all,
            ovrig_all,
        ),
    ]
    for role, name, kind, representable, groups, ovrig in specs:
        actor = Actor(_actor_id(b.seed, role), name, kind, representable, list(groups), list(ovrig))
        b.ds.actors.append(actor)
        personas[role] = {
            "aktorsId": actor.aktors_id,
            "description": name,
            "kind": kind,
            "representable": representable,
            "groups": actor.groups,
            "ovrig": actor.ovrig,
        }
    personas["actor-without-FK:BOB"] = dict(
        personas["insurer"],
        description="an actor not entitled to FK:BOB (the insurer)",
        missing_group="FK:BOB",
    )
    personas["unknown-actor"] = {
        "aktorsId": _actor_id(b.seed + 1, "nobody"),
        "description": "an aktorsId the provider does not know",
    }
    muni = personas["municipality"]["aktorsId"]
    # Behörighet: 2 years from grant, 3 years for grants before 2025-04-11. `clock` is an instant at which the
    # persona shows its point (set it with POST /_lefi/clock on the reference provider).
    users = [
        (
            "valid-user",
            "2025-06-02",
            "granted 2025-06-02: valid until 2027-06-02",
            "2026-01-15T10:00:00+01:00",
            True,
        ),
        (
            "expired-user-2-years",
            "2025-04-14",
            "granted 2025-04-14 (after 2025-04-11): expired 2027-04-14",
            "2027-06-01T10:00:00+02:00",
            False,
        ),
        (
            "old-grant-within-3-years",
            "2025-01-15",
            "granted 2025-01-15 (before 2025-04-11): valid 3 years, until 2028-01-15",
            "2027-06-01T10:00:00+02:00",
            True,
        ),
        (
            "expired-user-3-years",
            "2024-03-01",
            "granted 2024-03-01: expired 2027-03-01 (3 years)",
            "2027-06-01T10:00:00+02:00",
            False,
        ),
    ]
    for role, granted, description, clock, valid in users:
        uid = f"hl-{_actor_id(b.seed, role)[:8]}"
        b.ds.users.append(User(uid, muni, granted))
        g = dt.date.fromisoformat(granted)
        years = 3 if g < BEHORIGHET_CHANGE else 2
        personas[role] = {
            "anvandare": uid,
            "aktorsId": muni,
            "description": description,
            "granted": granted,
            "expires": iso(add_years(g, years)),
            "clock": clock,
            "valid_at_clock": valid,
        }


def _slug(text: str) -> str:
    table = str.maketrans("åäöÅÄÖé", "aaoAAOe")
    return "-".join(text.translate(table).lower().split())
