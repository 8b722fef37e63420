"""The waiver file: the published schema, one clear line for every bad entry, and what a waiver does to results."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from lefi_contracts.errors import UsageError
from lefi_contracts.results import CheckResult
from lefi_contracts.waivers import load_waivers, parse_waivers, waive_findings, waive_results, waiver_schema

TODAY = dt.date(2026, 12, 1)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _failed(
    phase: str = "scenarios", version: str = "8", name: str = "row 1", behaviour: str = "b"
) -> CheckResult:
    return CheckResult(
        phase=phase, name=name, status="failed", version=version, behaviour=behaviour, message="m"
    )  # type: ignore[arg-type]


def test_the_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(waiver_schema())


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{reason: r, reference: T-1, expires: 2027-01-01}", "(T-1) selects nothing"),
        ("{phase: fuzz, reference: T-1, expires: 2027-01-01}", "lacks reason"),
        ("{phase: fuzz, reason: r, expires: 2027-01-01}", "lacks reference"),
        ("{phase: fuzz, reason: r, reference: T-1}", "lacks expires"),
        ("{phase: fuzz, reason: r, reference: T-1, expires: next year}", "expires"),
        ("{phase: fuzz, reason: r, reference: T-1, expires: '2027-02-30'}", "not a real date"),
        ("{phase: fuzzing, reason: r, reference: T-1, expires: 2027-01-01}", "phase"),
        ("{phase: fuzz, reason: r, reference: T-1, expires: 2027-01-01, colour: red}", "colour"),
        ("{path: '*x*', phase: compat, reason: r, reference: T-1, expires: 2027-01-01}", "rule"),
        ("{versions: [], reason: r, reference: T-1, expires: 2027-01-01}", "versions"),
        ("{version: v8, reason: r, reference: T-1, expires: 2027-01-01}", "version"),
    ],
)
def test_a_bad_entry_is_one_line_naming_it(tmp_path: Path, entry: str, expected: str) -> None:
    path = _write(
        tmp_path,
        f"waivers:\n  - {{phase: scenarios, reason: ok, reference: OK-0, expires: 2027-01-01}}\n  - {entry}\n",
    )
    with pytest.raises(UsageError) as info:
        load_waivers(path)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: waiver 2"), text
    assert expected in text, text


@pytest.mark.parametrize("text", ["[1, 2]", "waivers: {a: 1}", "other: []", "waivers: [1]", ": : :"])
def test_a_file_that_is_not_a_waiver_list_is_a_usage_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(UsageError) as info:
        load_waivers(_write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load_waivers(tmp_path / "nope.yaml")


def test_an_unknown_compat_rule_is_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "waivers:\n  - {rule: no-such-rule, path: '*', reason: r, reference: T-9, expires: 2027-01-01}\n",
    )
    with pytest.raises(UsageError, match="waiver 1 \\(T-9\\) names unknown rule 'no-such-rule'"):
        load_waivers(path, known_rules={"field-removed"})


def test_a_live_waiver_waives_exactly_what_it_selects() -> None:
    waivers = parse_waivers(
        {
            "waivers": [
                {
                    "phase": "scenarios",
                    "versions": [8],
                    "check": "row *",
                    "reason": "known",
                    "reference": "LEFI-1",
                    "expires": dt.date(2027, 1, 1),
                }
            ]
        },
        "w.yaml",
    )
    selected, other_version, other_phase = _failed(), _failed(version="9"), _failed(phase="fuzz")
    passed = CheckResult(phase="scenarios", name="row 2", status="passed", version="8")
    outcome = waive_results([selected, other_version, other_phase, passed], waivers, today=TODAY)
    statuses = [r.status for r in outcome.results]
    assert statuses == ["waived", "failed", "failed", "passed"]
    waived = outcome.results[0]
    assert waived.waiver is not None and waived.waiver["reference"] == "LEFI-1"
    assert waived.waiver["days_left"] == 31 and waived.waiver["original_status"] == "failed"
    assert not waived.failed
    assert selected.status == "failed"  # the stream's record is not changed in place
    assert outcome.stale(waivers) == []


def test_an_expired_waiver_no_longer_applies_and_says_so() -> None:
    waivers = parse_waivers(
        {"waivers": [{"behaviour": "b", "reason": "known", "reference": "LEFI-2", "expires": "2026-11-30"}]},
        "w.yaml",
    )
    outcome = waive_results([_failed()], waivers, today=TODAY)
    (result,) = outcome.results
    assert result.status == "failed"
    assert result.message.startswith("waiver LEFI-2 expired on 2026-11-30: ")
    assert outcome.in_force == [] and outcome.stale(waivers) == []


def test_a_waiver_ends_when_its_version_is_retired() -> None:
    waivers = parse_waivers(
        {
            "waivers": [
                {
                    "version": "5",
                    "until_version": "5",
                    "reason": "r",
                    "reference": "LEFI-3",
                    "expires": "2030-01-01",
                }
            ]
        },
        "w.yaml",
    )
    live = waive_results([_failed(version="5")], waivers, today=TODAY)
    assert live.results[0].status == "waived"
    ended = waive_results([_failed(version="5")], waivers, today=TODAY, retired={"5"})
    assert ended.results[0].status == "failed"
    assert "ended: version 5 is retired" in ended.results[0].message


def test_a_waiver_that_selects_no_failure_is_stale() -> None:
    waivers = parse_waivers(
        {
            "waivers": [
                {"phase": "fuzz", "reason": "fixed by now", "reference": "LEFI-4", "expires": "2030-01-01"},
                {
                    "phase": "scenarios",
                    "reason": "still needed",
                    "reference": "LEFI-5",
                    "expires": "2030-01-01",
                },
            ]
        },
        "w.yaml",
    )
    outcome = waive_results(
        [_failed(), CheckResult(phase="fuzz", name="x", status="passed", version="9")], waivers, today=TODAY
    )
    assert [w.reference for w in outcome.stale(waivers)] == ["LEFI-4"]


@dataclass
class _Finding:
    rule: str
    operation: str
    old_path: str | None
    new_path: str | None
    waiver: dict[str, object] | None = None
    note: str = ""


def test_rule_waivers_keep_the_compat_format_of_today() -> None:
    # the entries `diff --waivers` has always read (rule, path, reason, reference, expires) are valid as they are
    waivers = parse_waivers(
        {
            "waivers": [
                {
                    "rule": "field-removed",
                    "path": "*/beloppstyp",
                    "reason": "r",
                    "reference": "LEFI-6",
                    "expires": "2027-01-01",
                },
                {
                    "rule": "*",
                    "path": "*/old*",
                    "reason": "r",
                    "reference": "LEFI-7",
                    "expires": "2026-01-01",
                },
            ]
        },
        "w.yaml",
    )
    hit = _Finding("field-removed", "hamta", "/a/beloppstyp", None)
    miss = _Finding("field-removed", "hamta", "/a/kod", None)
    expired = _Finding("enum-value-removed", "hamta", "/a/oldkod", "/a/oldkod")
    used = waive_findings([hit, miss, expired], waivers, today=TODAY)
    assert used == {1, 2}
    assert hit.waiver is not None and hit.waiver["expired"] is False
    assert miss.waiver is None
    assert expired.waiver is not None and expired.waiver["expired"] is True
    assert "expired on 2026-01-01" in expired.note
    # a rule waiver never waives whole results
    assert waive_results([_failed(phase="compat")], waivers, today=TODAY).results[0].status == "failed"


def test_the_committed_example_file_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "waivers.yaml"
    data = json.loads(json.dumps(__import__("yaml").safe_load(example.read_text()), default=str))
    jsonschema.validate(data, waiver_schema())
    assert load_waivers(example).waivers


def test_can_i_deploy_reads_the_same_waiver_file(tmp_path: Path) -> None:
    """The insurer's (v8) request pattern narrows: breaking for it, until a rule waiver accepts the finding."""
    import shutil

    from lefi_contracts.consumers import can_i_deploy, load_consumers
    from lefi_contracts.contracts import default_contracts_dir
    from lefi_contracts.waivers import waivers_for

    root = tmp_path / "contracts"
    shutil.copytree(default_contracts_dir(), root)
    xsd = root / "v8" / "lefi-online-v8.xsd"
    xsd.write_text(xsd.read_text().replace('value="[0-9]{10}|[0-9]{12}"', 'value="[0-9]{12}"', 1))
    consumers = load_consumers()

    def v8() -> str:
        return next(
            r.status for r in can_i_deploy(root, consumers=consumers, waivers=waivers) if r.version == "8"
        )

    waivers = waivers_for(None, root)
    assert not waivers and v8() == "failed"
    (root / "waivers.yaml").write_text(  # the default file of the candidate's contracts folder
        "waivers:\n  - {rule: '*', path: '*personnummer*', versions: ['8'], reason: agreed with the insurer,"
        f" reference: LEFI-9, expires: '{(TODAY.replace(year=TODAY.year + 5)).isoformat()}'}}\n"
    )
    waivers = waivers_for(None, root)
    assert v8() == "passed"
