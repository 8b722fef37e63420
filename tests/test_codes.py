"""The code lists: they load, hold what the release notes say, and agree with the registry and our v9 contract."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from lefi_contracts.codes import beloppstyper_for_version, groups_for_version, load_codes
from lefi_contracts.contracts import default_contracts_dir, registry
from lefi_contracts.errors import ContractError

V9_DEDUCTIONS = (
    "AFR", "ALA", "ART", "AVB", "AVR", "FMF", "FUM", "INC", "INF", "INM", "INU", "KOA", "KVI",
    "OAV", "PF", "PS", "PST", "SAV", "SKV", "SOC", "SS", "SST", "UMG", "UTF", "ÅFA", "ÖVA",
)  # fmt: skip
NOTE_BELOPPSTYPER = {
    "Aktivitetsstöd", "Bostadsersättning", "Dubbeldagar", "Ekonomiskt bistånd", "Egen begäran",
    "Etableringsersättning", "Etableringsjobb", "Etableringstillägg", "Föräldrapenning", "Kvittning statlig fordran",
    "Preliminär skatt", "Preliminärt bostadsbidrag", "Rehabiliteringsersättning", "Slutligt bostadsbidrag",
    "Tilläggsbidrag", "Tim/dagberäknad", "Utländsk fordran", "Utmätning", "Utmätning tills vidare",
    "Utvecklingsersättning", "Överenskommen statlig fordran",
}  # fmt: skip
NOTE_ROWS = {
    ("Bostadsbidrag", "Bostadsbidrag"), ("Dagersättning", "Aktivitetsstöd"),
    ("Dagersättning", "Arbetsmarknadspolitiskt program"), ("Dagersättning", "Bostadsbidrag"),
    ("Dagersättning", "Föräldrapenning"), ("Dagersättning", "Sjukpenning"),
    ("Dagersättning", "Tillfällig föräldrapenning"), ("Etablering", "Etableringsjobb"),
}  # fmt: skip


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return yaml.safe_load(registry().get("9").contract_file("openapi").read_text(encoding="utf-8"))


def test_code_lists_load_with_the_expected_sizes() -> None:
    codes = load_codes()
    assert len([g for g in codes.formansgrupper if g.utlamnare == "FK"]) == 27
    assert {g.kod for g in codes.formansgrupper if g.utlamnare == "PM"} == {"PM:AP", "PM:BTI", "PM:EF"}
    assert {g.kod for g in codes.ovrig_information if g.utlamnare == "FK"} == {
        "FK:GEPI", "FK:PANV", "FK:SGI", "FK:SKUP", "FK:STAV",
    }  # fmt: skip
    assert all(g.namn for g in (*codes.formansgrupper, *codes.ovrig_information))
    stated = {g.kod for g in codes.formansgrupper if g.stated}
    assert {"FK:ABB", "FK:FP", "FK:SJP", "FK:YL"} <= stated


def test_the_eight_harmonised_forman_delforman_rows_of_the_2024_02_16_note() -> None:
    codes = load_codes()
    rows = {(r.forman.beskrivning, r.delforman.beskrivning) for r in codes.forman_delforman}
    assert rows == NOTE_ROWS
    assert len(codes.forman_delforman) == 8
    for version in registry().versions.values():
        harmonised = version.behaviour.preliminara_utbetalningar == "harmonised"
        assert bool(codes.forman_delforman_for_version(version.number)) == harmonised, version.number
        assert bool(codes.legacy_forman_for_version(version.number)) == (not harmonised), version.number


def test_every_harmonised_row_has_a_legacy_counterpart() -> None:
    codes = load_codes()
    linked = {legacy.same_payment_as for legacy in codes.legacy_forman}
    assert linked == {(r.forman.id, r.delforman.id) for r in codes.forman_delforman}
    sjp = next(x for x in codes.legacy_forman if x.same_payment_as == ("DAG", "SJP"))
    assert sjp.formansfamilj.id == "DAG"  # "DAG (= Dagersättning för Sjukpenning)", 2020-03-18 note


def test_the_21_beloppstyper_of_the_note_and_the_v9_deduction_codes() -> None:
    codes = load_codes()
    note = [b for b in codes.beloppstyper if b.in_note]
    assert len(note) == 21
    # the note's wording is kept in note_name where we linked a note name to a differently worded v9 code
    raw = yaml.safe_load(
        (default_contracts_dir() / "codes" / "beloppstyper.yaml").read_text(encoding="utf-8")
    )
    note_names = {e.get("note_name", e["beskrivning"]) for e in raw["codes"] if e["in_note"]}
    assert note_names == NOTE_BELOPPSTYPER, note_names ^ NOTE_BELOPPSTYPER
    ids = {b.id for b in codes.beloppstyper}
    assert set(V9_DEDUCTIONS) <= ids
    assert {b.id for b in codes.beloppstyper if b.kind == "skatt"} == {"PS", "SS"}
    historisk = {b.id for b in codes.beloppstyper if b.historisk}
    assert historisk == {"AFR", "AVB", "AVR", "FMF", "FUM", "INU", "PF", "SAV", "ÖVA"}


def test_deduction_codes_are_valid_in_every_version_and_note_codes_from_v8() -> None:
    reg = registry()
    for version in reg.versions.values():
        ids = {b.id for b in beloppstyper_for_version(version.number)}
        assert set(V9_DEDUCTIONS) <= ids, version.number
        harmonised = version.behaviour.preliminara_utbetalningar == "harmonised"
        assert ("TDB" in ids) == harmonised, version.number


def test_registry_and_formansgrupper_agree_both_ways() -> None:
    codes = load_codes()
    for version in registry().versions.values():
        in_codes = {g.kod for g in codes.groups_for_version(version.number, "FK")}
        assert in_codes == set(version.behaviour.formansgrupper), version.number
        pm = {g.kod for g in codes.groups_for_version(version.number, "PM")}
        assert bool(pm) == version.behaviour.pensionsmyndigheten, version.number
    assert {g.kod for g in groups_for_version("5")} == set(registry().get("5").behaviour.formansgrupper)


def test_forebyggande_sjukpenning_and_job_follow_the_release_notes() -> None:
    for version in registry().versions.values():
        kods = {g.kod for g in groups_for_version(version.number)}
        own_set = version.behaviour.forebyggande_sjukpenning.mode == "own_set"
        assert ("FK:FSJP" in kods) == own_set, version.number
    assert "FK:PJOB" not in {g.kod for g in groups_for_version("5")}  # JOB came with 6.0
    assert load_codes().group("FK:FSJP").formansinformation_key == "forebyggandeSjukpenningsarende"


def test_openapi_enums_equal_the_code_lists(openapi: dict[str, Any]) -> None:
    codes = load_codes()
    schemas = openapi["components"]["schemas"]
    fk = [g.kod for g in codes.formansgrupper if g.utlamnare == "FK" and "9" in g.versions]
    pm = [g.kod for g in codes.formansgrupper if g.utlamnare == "PM"]
    assert set(schemas["LefiFkFormanGruppKod"]["enum"]) == set(fk)
    assert set(schemas["LefiPmFormanGruppKod"]["enum"]) == set(pm)
    assert set(schemas["LefiExternFormanGruppKod"]["enum"]) == set(fk) | set(pm)
    assert set(schemas["LefiExternOvrigInformationTypKod"]["enum"]) == {
        g.kod for g in codes.ovrig_information
    }
    assert set(schemas["LefiPmOvrigInformationTypKod"]["enum"]) == {
        g.kod for g in codes.ovrig_information if g.utlamnare == "PM"
    }
    deductions = set(schemas["LefiUtbetalningDetalj"]["x-lefi-codes"]["beloppstyp"])
    assert deductions == set(V9_DEDUCTIONS)
    assert deductions <= {b.id for b in codes.beloppstyper}


def test_every_formansinformation_key_exists_in_the_contract(openapi: dict[str, Any]) -> None:
    keys = set(openapi["components"]["schemas"]["LefiFormansinformation"]["properties"])
    codes = load_codes()
    used = [k for g in (*codes.formansgrupper, *codes.ovrig_information) for k in g.formansinformation_keys]
    assert set(used) <= keys, set(used) - keys
    assert len(used) == len(set(used)), "a key belongs to two groups"


def _copy_codes(tmp_path: Path) -> Path:
    shutil.copytree(default_contracts_dir() / "codes", tmp_path / "codes")
    return tmp_path


@pytest.mark.parametrize(
    ("file", "damage", "message"),
    [
        ("formansgrupper.yaml", lambda t: t.replace('kod: "FK:SJP"', 'kod: "FK:ABB"'), "duplicate kod"),
        ("beloppstyper.yaml", lambda t: t.replace("kind: skatt", "kind: tax", 1), "kind must be one of"),
        (
            "forman-delforman.yaml",
            lambda t: t.replace("delforman: SJP}", "delforman: XYZ}"),
            "not one of the harmonised",
        ),
        (
            "ovrig-information.yaml",
            lambda t: t.replace('versions: ["9"]', "versions: 9", 1),
            "versions must be",
        ),
        ("formansgrupper.yaml", lambda t: t + "\n  - {kod: [unclosed\n", "cannot be read"),
        ("beloppstyper.yaml", lambda t: "- just a list\n", "must be a mapping"),
    ],
)
def test_malformed_code_lists_give_one_line_contract_errors(
    tmp_path: Path, file: str, damage: Any, message: str
) -> None:
    root = _copy_codes(tmp_path)
    path = root / "codes" / file
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContractError) as info:
        load_codes(root)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_code_list_is_a_contract_error(tmp_path: Path) -> None:
    root = _copy_codes(tmp_path)
    (root / "codes" / "beloppstyper.yaml").unlink()
    with pytest.raises(ContractError, match="missing"):
        load_codes(root)
