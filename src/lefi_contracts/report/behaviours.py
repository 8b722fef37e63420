"""Which behaviour a result is evidence for: one name a behaviour across scenarios, validation, fuzzing, compat.

The matrix, the Allure tree (suite), the tags and the failure categories all read the behaviour from here, so a
scenario, a validation record and a fuzz check of the same release-note behaviour land in the same row. The rows
are data (behaviours.yaml); a result that matches none gets a row of its own, named by what it says it checks.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lefi_contracts.results import CheckResult
from lefi_contracts.yamlio import load_yaml

KINDS = ("contract violation", "behaviour", "fuzz finding", "compatibility", "unavailable")
SOURCE_URL_ENV = (
    "LEFI_SOURCE_URL"  # where links to contracts/ point (a repository's blob URL); else the checkout
)


@dataclass(frozen=True)
class Behaviour:
    """One row of the matrix."""

    id: str
    title: str
    note: str | None = None  # release-note date
    kind: str = "behaviour"
    information: bool = False
    aliases: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    behaviours: tuple[Behaviour, ...]
    release_notes_url: str | None = None
    by_id: dict[str, Behaviour] = field(default_factory=dict, compare=False, hash=False)

    def get(self, bid: str) -> Behaviour | None:
        return self.by_id.get(bid)


@functools.cache
def catalogue() -> Catalogue:
    text = resources.files("lefi_contracts.report").joinpath("behaviours.yaml").read_text(encoding="utf-8")
    data = load_yaml(text) or {}
    rows = []
    for bid, spec in (data.get("behaviours") or {}).items():
        spec = spec or {}
        rows.append(
            Behaviour(
                id=str(bid),
                title=str(spec.get("title") or bid),
                note=str(spec["note"]) if spec.get("note") else None,
                kind=str(spec.get("kind") or "behaviour"),
                information=bool(spec.get("information", False)),
                aliases=tuple(str(a).casefold() for a in spec.get("aliases") or ()),
                checks=tuple(str(c) for c in spec.get("checks") or ()),
                phases=tuple(str(p) for p in spec.get("phases") or ()),
                prefixes=tuple(str(p).casefold() for p in spec.get("prefixes") or ()),
            )
        )
    return Catalogue(tuple(rows), data.get("release_notes_url"), {b.id: b for b in rows})


_SLUG = re.compile(r"[^0-9a-zåäö]+")


def slug(text: str) -> str:
    return _SLUG.sub("_", text.casefold()).strip("_") or "other"


def feature_tags(result: CheckResult) -> list[str]:
    """The Gherkin tags of a scenario's feature (the BDD plugin records them), else none."""
    return [t for t in result.parameters.get("feature_tags", "").split() if t]


def behaviour_of(result: CheckResult) -> Behaviour:
    """The row a result belongs to; unknown ones get a row named by their own behaviour text."""
    cat = catalogue()
    for tag in feature_tags(result):
        found = cat.get(tag)
        if found is not None:
            return found
    text = (result.behaviour or "").casefold()
    check = result.parameters.get("check") or result.behaviour or ""
    for b in cat.behaviours:
        if (
            (text and (text in b.aliases or text == b.title.casefold()))
            or (result.phase == "fuzz" and check in b.checks)
            or any(text.startswith(p) for p in b.prefixes)
        ):
            return b
    for b in cat.behaviours:
        if result.phase in b.phases:
            return b
    title = result.behaviour or result.phase
    return Behaviour(id=slug(title), title=title)


def row_title(result: CheckResult, behaviour: Behaviour) -> str:
    """A feature's own name when the result is a scenario of it (the Gherkin is the source), else the row's."""
    if result.phase == "scenarios" and result.behaviour and feature_tags(result):
        return result.behaviour
    return behaviour.title


def failure_kind(result: CheckResult) -> str:
    """The Allure category of a result that did not pass (also given to passed ones, for filtering)."""
    if result.status == "broken" or result.phase == "target":
        return "unavailable"
    if result.phase == "compat":
        return "compatibility"
    if result.phase == "fuzz":
        return "fuzz finding"
    if result.phase == "validation":
        return "contract violation"
    return behaviour_of(result).kind


def version_label(version: str | None) -> str:
    return f"v{version}" if version else "all versions"


def source_url(relative: str) -> str:
    """A link to a file of the checkout: under LEFI_SOURCE_URL, the CI's repository at this commit, or file://."""
    base = os.environ.get(SOURCE_URL_ENV)
    if not base and os.environ.get("GITHUB_REPOSITORY") and os.environ.get("GITHUB_SHA"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        base = f"{server}/{os.environ['GITHUB_REPOSITORY']}/blob/{os.environ['GITHUB_SHA']}"
    if not base and os.environ.get("CI_PROJECT_URL") and os.environ.get("CI_COMMIT_SHA"):
        base = f"{os.environ['CI_PROJECT_URL']}/-/blob/{os.environ['CI_COMMIT_SHA']}"
    if base:
        return f"{base.rstrip('/')}/{relative}"
    from lefi_contracts.report.html import project_root

    return (project_root() / relative).as_uri()


def links(result: CheckResult, behaviour: Behaviour) -> list[dict[str, str]]:
    """Allure links: the release note a behaviour comes from, and the version's contract description."""
    out: list[dict[str, str]] = []
    cat = catalogue()
    if behaviour.note and cat.release_notes_url:
        out.append({"name": f"release note {behaviour.note}", "url": cat.release_notes_url, "type": "link"})
    if result.version:
        readme = Path("contracts") / f"v{result.version}" / "README.md"
        out.append(
            {"name": f"v{result.version} contract", "url": source_url(readme.as_posix()), "type": "link"}
        )
    return out


def labels(result: CheckResult) -> list[tuple[str, str]]:
    """The labels that make the Allure tree and filters read per version: parentSuite = version, suite = the
    behaviour's row, subSuite = the phase; a tag for the version, the behaviour and the phase; the category."""
    b = behaviour_of(result)
    version = version_label(result.version)
    out = [
        ("parentSuite", version),
        ("suite", row_title(result, b)),
        ("subSuite", result.phase),
        ("feature", row_title(result, b)),
        ("tag", version),
        ("tag", b.id),
        ("tag", result.phase),
        ("failureKind", failure_kind(result)),
    ]
    for tag in feature_tags(result):
        if tag != b.id:
            out.append(("tag", tag))
    return out
