"""The deterministic synthetic data set of the reference provider.

One canonical model, close to v9's FK JSON (arrays, LefiBelopp, LefiBokstavskod ...), from which every version is
rendered. Same seed -> byte-identical rows; a different seed -> different people. The personas that scenarios need
(förebyggande sjukpenning before/after the cut-off, bostadsbidrag with several beloppsperioder, ...) are recipes in
contracts/fixtures/reference-provider.personas.yaml; this module interprets them (generator.py draws the rest) and
describes each persona, with the facts a scenario asserts, in `Dataset.personas` (the fixture catalogue).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.calendar import add_years
from lefi_contracts.contracts import Registry, default_contracts_dir
from lefi_contracts.contracts import registry as default_registry
from lefi_contracts.errors import ContractError
from lefi_contracts.provider.generator import (
    WIDE_FROM,
    WIDE_TOM,
    BeslutDates,
    Generator,
    Item,
    PaymentKind,
    iso,
)
from lefi_contracts.provider.recipes import (
    PERSONAS_FILE,
    Recipes,
    as_date,
    draw,
    end_of_month,
    load_recipes,
    plain,
    reading,
)
from lefi_contracts.yamlio import load_yaml

__all__ = [
    "BEHORIGHET_CHANGE",
    "DATASET_VERSION",
    "DEFAULT_SEED",
    "WIDE_FROM",
    "WIDE_TOM",
    "Actor",
    "Dataset",
    "Item",
    "User",
    "build_dataset",
    "code_lists",
    "group_names",
    "source_fingerprint",
]

# Bump when the generator changes what it builds: a stored database of another version is rebuilt.
DATASET_VERSION = "3"
DEFAULT_SEED = 20250317
# Behörighet lasts 3 years for grants before this day, 2 years from it (release note; not in the registry).
BEHORIGHET_CHANGE = dt.date(2025, 4, 11)


@lru_cache(maxsize=4)
def _load_codes(root: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("formansgrupper", "ovrig-information", "forman-delforman", "beloppstyper"):
        path = Path(root) / "codes" / f"{name}.yaml"
        try:
            out[name] = load_yaml(path.read_text(encoding="utf-8"))
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


def source_fingerprint(registry: Registry | None = None) -> str:
    """Part of the stored dataset identity: edited code lists or recipes rebuild the database."""
    root = (registry if registry is not None else default_registry()).root
    recipes = load_recipes(root)
    sources = [code_lists(root), recipes.tables, recipes.personas]
    return hashlib.sha256(json.dumps(sources, sort_keys=True, default=str).encode()).hexdigest()[:16]


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


def build_dataset(
    seed: int = DEFAULT_SEED, n_persons: int = 240, registry: Registry | None = None
) -> Dataset:
    """Build the whole data set in memory from the recipes of the registry's contracts folder; the store persists it."""
    registry = registry if registry is not None else default_registry()
    recipes = load_recipes(registry.root)
    codes = code_lists(registry.root)
    generator = Generator(seed, recipes, codes, group_names(registry.root))
    personas: dict[str, dict[str, Any]] = {}
    for name, recipe in recipes.personas["personas"].items():
        with reading(f"{PERSONAS_FILE}, persona {name!r}"):
            if "for_each" in recipe:
                personas.update(_preliminary_personas(generator, codes, name, recipe, personas))
            else:
                personas[name] = _persona(generator, recipe, registry)
    with reading(f"{PERSONAS_FILE}, spread"):
        _spread(generator, recipes.personas["spread"], n_persons)
    with reading(f"{PERSONAS_FILE}, actors and users"):
        actors, users = _actors_and_users(seed, recipes, codes, personas)
    return Dataset(seed, generator.persons, generator.items, actors, users, personas)


# --- personas ---------------------------------------------------------------------------------------------------
def _persona(generator: Generator, recipe: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """Create the recipe's people (all first), then run each one's steps; the entry names the first."""
    people_recipes = recipe["people"] if "people" in recipe else [{"steps": recipe["steps"]}]
    samordning = bool(recipe.get("samordningsnummer", False))
    people = [generator.person(samordning=samordning) for _ in people_recipes]
    step_facts: dict[str, Any] = {}
    for person, person_recipe in zip(people, people_recipes, strict=True):
        if recipe.get("ovrig_information", True):
            generator.ovrig(person)
        for step in person_recipe["steps"]:
            step_facts.update(_step(generator, person, step))
    entry: dict[str, Any] = {"description": recipe["description"], "personnummer": people[0]["pnr"]}
    entry.update(plain(recipe.get("facts", {})))
    for fact, source in recipe.get("registry_facts", {}).items():
        entry[fact] = _registry_fact(registry, source)
    entry.update(step_facts)
    return entry


def _step(generator: Generator, person: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    """Run one recipe step for `person`; the facts it records from the values it generated."""
    if len(step) != 1:
        raise ValueError(f"a step has exactly one key ({', '.join(_STEPS)}), not {sorted(step)}")
    ((step_type, spec),) = step.items()
    if step_type not in _STEPS:
        raise ValueError(f"unknown step {step_type!r} (known: {', '.join(_STEPS)})")
    return _STEPS[step_type](generator, person, spec)


def _arende_step(generator: Generator, person: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "start" in spec:
        generator.arende_from_start(person, spec["kind"], as_date(spec["start"]))
        return {}
    beslut = [
        BeslutDates(as_date(b["fattades"]), as_date(b["fran"]), as_date(b["till"]), b.get("belopp"))
        for b in spec["beslut"]
    ]
    generator.arende(person, spec["kind"], as_date(spec["startades"]), beslut)
    return {}


def _payment_step(generator: Generator, person: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    dates = as_date(spec["datum"]), as_date(spec["fran"]), as_date(spec["till"])
    uppgift = generator.payment(person, PaymentKind.from_recipe(spec), *dates, float(spec["belopp"]))
    return {fact: uppgift[total]["summa"] for fact, total in spec.get("facts", {}).items()}


def _monthly_payments_step(
    generator: Generator, person: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any]:
    kind, paid_after = PaymentKind.from_recipe(spec), int(spec["paid_days_after_month"])
    payments = [
        generator.monthly_payment(person, kind, as_date(month), paid_after, spec["belopp"])
        for month in spec["months"]
    ]
    return {fact: [u[total]["summa"] for u in payments] for fact, total in spec.get("facts", {}).items()}


def _pension_step(generator: Generator, person: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    facts = generator.pensionsmyndigheten(
        person, as_date(spec["start"]), int(spec["payments"]), as_date(spec["preliminar_month"])
    )
    return {fact: facts[fact] for fact in spec.get("facts", [])}


def _row_step(generator: Generator, person: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    fran, till = plain(spec.get("fran", WIDE_FROM)), plain(spec.get("till", WIDE_TOM))
    generator.add(person, spec["kind"], spec["group"], spec["key"], fran, till, plain(spec["payload"]))
    return {}


# The step types of a recipe (reference-provider.personas.yaml explains each).
_STEPS: dict[str, Callable[[Generator, dict[str, Any], dict[str, Any]], dict[str, Any]]] = {
    "arende": _arende_step,
    "utbetalning": _payment_step,
    "manadsutbetalningar": _monthly_payments_step,
    "pensionsmyndigheten": _pension_step,
    "row": _row_step,
}


def _registry_fact(registry: Registry, source: str) -> str:
    """A catalogue fact the registry holds (the release-note dates), so that the data set never repeats it."""
    if source == "forebyggande_sjukpenning_until":
        behaviours = [v.behaviour.forebyggande_sjukpenning for v in registry.versions.values()]
        dates = {b.until for b in behaviours if b.until is not None}
        if len(dates) != 1:
            raise ContractError(
                f"{PERSONAS_FILE}: the personas need one forebyggande_sjukpenning.until in versions.yaml, "
                f"found {len(dates)}"
            )
        return iso(dates.pop())
    raise ValueError(f"unknown registry fact {source!r} (known: forebyggande_sjukpenning_until)")


def _preliminary_personas(
    generator: Generator,
    codes: dict[str, Any],
    prefix: str,
    recipe: dict[str, Any],
    earlier: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """One persona per harmonised förmån -> delförmån row, with preliminary payments classified by that row."""
    if recipe["for_each"] != "forman-delforman":
        raise ValueError(f"for_each can only be forman-delforman, not {recipe['for_each']!r}")
    spec = recipe["preliminara"]
    table = codes["forman-delforman"]
    legacy_for = {
        (lg["same_payment_as"]["forman"], lg["same_payment_as"]["delforman"]): lg for lg in table["legacy"]
    }
    out: dict[str, dict[str, Any]] = {}
    for row in table["rows"]:
        forman, delforman = row["forman"], row["delforman"]
        person = generator.person()
        generator.ovrig(person)
        legacy = legacy_for[(forman["id"], delforman["id"])]
        kind = PaymentKind(
            group=spec["group"][delforman["id"]],
            familj=forman,
            forman=delforman,
            beloppstyp=generator.beloppstyp_by_name[spec["beloppstyp"][delforman["id"]]]["id"],
            deductions=tuple(spec["deductions"]),
        )
        payments = []
        for day in spec["datum"]:
            datum = as_date(day)
            fran, till = datum.replace(day=1), end_of_month(datum)
            amount = float(draw(generator.rng, spec["belopp"]))
            marks = {"formansfamilj": legacy["formansfamilj"], "forman": legacy["forman"]}
            payments.append(
                generator.payment(person, kind, datum, fran, till, amount, preliminar=True, legacy=marks)
            )
        name = f"{prefix}-{_slug(forman['beskrivning'])}-{_slug(delforman['beskrivning'])}"
        if name in earlier or name in out:
            name = f"{name}-{delforman['id'].lower()}"
        out[name] = {
            "description": recipe["description"].format(
                forman=forman["beskrivning"], delforman=delforman["beskrivning"]
            ),
            "personnummer": person["pnr"],
            **plain(recipe.get("facts", {})),
            "group": kind.group,
            "forman": forman,
            "delforman": delforman,
            "beloppstyp": payments[0]["utbetalningsdetalj"][0]["beloppstyp"],
            "legacy_formansfamilj": legacy["formansfamilj"],
            "legacy_forman": legacy["forman"],
            "payments": len(payments),
        }
    return out


# --- everyone else ----------------------------------------------------------------------------------------------
def _spread(generator: Generator, spread: dict[str, Any], n_persons: int) -> None:
    """People with a drawn mix of ärenden (and sometimes a payment) until the data set holds n_persons."""
    rng = generator.rng
    kinds = list(spread["kinds"])
    for kind in kinds:
        generator.recipes.arende_kind(kind)
    first_start = as_date(spread["first_start"])
    payment = spread["utbetalning"]
    payment_kind = PaymentKind.from_recipe(payment)
    while len(generator.persons) < n_persons:
        person = generator.person(samordning=rng.random() < spread["samordningsnummer_share"])
        generator.ovrig(person)
        for _ in range(draw(rng, spread["arenden_per_person"])):
            start = first_start + dt.timedelta(days=draw(rng, spread["start_days"]))
            generator.arende_from_start(person, rng.choice(kinds), start)
        if rng.random() < payment["share"]:
            month = dt.date(int(payment["year"]), draw(rng, payment["months"]), 1)
            generator.monthly_payment(
                person, payment_kind, month, int(payment["paid_days_after_month"]), payment["belopp"]
            )


# --- actors and users -------------------------------------------------------------------------------------------
def _actor_id(seed: int, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"lefi-contracts:{seed}:{name}"))


def _actors_and_users(
    seed: int, recipes: Recipes, codes: dict[str, Any], personas: dict[str, dict[str, Any]]
) -> tuple[list[Actor], list[User]]:
    """The actors and users of the recipes, each also a catalogue entry (added to `personas`)."""
    every = {
        "groups": [c["kod"] for c in codes["formansgrupper"]["codes"]],
        "ovrig": [c["kod"] for c in codes["ovrig-information"]["codes"]],
    }
    actors: list[Actor] = []
    for role, spec in recipes.personas["actors"].items():
        groups, ovrig = (every[k] if spec[k] == "all" else list(spec[k]) for k in ("groups", "ovrig"))
        actor = Actor(
            _actor_id(seed, role), spec["name"], spec["kind"], bool(spec["representable"]), groups, ovrig
        )
        actors.append(actor)
        personas[role] = {
            "aktorsId": actor.aktors_id,
            "description": actor.name,
            "kind": actor.kind,
            "representable": actor.representable,
            "groups": actor.groups,
            "ovrig": actor.ovrig,
        }
    unknown = 0
    for name, spec in recipes.personas["actor_personas"].items():
        if spec["actor"] is None:  # an aktorsId of no actor: derived from another seed
            personas[name] = {"aktorsId": _actor_id(seed + 1, "nobody" + (f"-{unknown}" if unknown else ""))}
            unknown += 1
        else:
            personas[name] = dict(personas[spec["actor"]])
        personas[name].update(plain({k: v for k, v in spec.items() if k != "actor"}))
    users: list[User] = []
    for role, spec in recipes.personas["users"].items():
        aktors_id = personas[spec["actor"]]["aktorsId"]
        granted = as_date(spec["granted"])
        user = User(f"hl-{_actor_id(seed, role)[:8]}", aktors_id, iso(granted))
        users.append(user)
        years = 3 if granted < BEHORIGHET_CHANGE else 2
        personas[role] = {
            "anvandare": user.anvandare,
            "aktorsId": aktors_id,
            "description": spec["description"],
            "granted": user.granted,
            "expires": iso(add_years(granted, years)),
            "clock": spec["clock"],
            "valid_at_clock": bool(spec["valid_at_clock"]),
        }
    return actors, users


def _slug(text: str) -> str:
    table = str.maketrans("åäöÅÄÖé", "aaoAAOe")
    return "-".join(text.translate(table).lower().split())
