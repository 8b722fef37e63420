"""The compat cache: a comparison of unchanged contents is reused, equal to a fresh diff; any changed byte (in
the document or a schema beside it that it imports), a corrupt entry or `off` means a fresh diff; and a warm
cache never hides a provider that serves another contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lefi_contracts.compat import diff_versions
from lefi_contracts.compat.cache import CompatCache, comparison_key, default_folder, report_to_json
from lefi_contracts.contracts import registry
from lefi_contracts.gate import GateOptions, run_gate

OPTIONS = {"witnesses": True, "mode": "forward"}


def _copy(version: str, into: Path) -> Path:
    v = registry().get(version)
    into.mkdir(parents=True)
    for kind in ("wsdl", "xsd"):
        shutil.copy(v.contract_file(kind), into)
    return into / v.contract_file("wsdl").name


def _json(report: object) -> str:
    return json.dumps(report_to_json(report), sort_keys=True)  # type: ignore[arg-type]


def test_an_unchanged_comparison_is_reused_and_equals_a_fresh_diff(tmp_path: Path) -> None:
    old = registry().get("7").contract_file("wsdl")
    first, second = _copy("8", tmp_path / "a"), _copy("8", tmp_path / "b")  # the same bytes, other folders
    cache = CompatCache(tmp_path / "cache")
    cache.put(comparison_key(old, first, None, OPTIONS), diff_versions(str(old), str(first)))
    reused = cache.get(comparison_key(old, second, None, OPTIONS), str(old), str(second))
    assert reused is not None and cache.hits == 1
    assert reused.new == str(second)  # labelled with this run's names
    assert reused.meets("breaking")  # v7 -> v8 changes the namespace
    assert _json(reused) == _json(diff_versions(str(old), str(second)))


def test_a_changed_byte_in_an_imported_schema_is_another_comparison(tmp_path: Path) -> None:
    old = registry().get("7").contract_file("wsdl")
    wsdl = _copy("8", tmp_path / "a")
    before = comparison_key(old, wsdl, None, OPTIONS)
    xsd = next(wsdl.parent.glob("*.xsd"))
    xsd.write_bytes(xsd.read_bytes().replace(b"FK:FSJP", b"FK:FSJX", 1))
    assert comparison_key(old, wsdl, None, OPTIONS) != before
    assert comparison_key(old, wsdl, None, {**OPTIONS, "witnesses": False}) != comparison_key(
        old, wsdl, None, OPTIONS
    )


def test_a_corrupt_entry_is_a_miss_and_is_written_again(tmp_path: Path) -> None:
    old = registry().get("7").contract_file("wsdl")
    new = registry().get("8").contract_file("wsdl")
    cache = CompatCache(tmp_path / "cache")
    key = comparison_key(old, new, None, OPTIONS)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"{key}.json").write_text('{"findings": [', encoding="utf-8")
    assert cache.get(key, str(old), str(new)) is None and cache.misses == 1
    cache.put(key, diff_versions(str(old), str(new)))
    assert cache.get(key, str(old), str(new)) is not None


def test_the_environment_names_or_turns_off_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEFI_CACHE_DIR", str(tmp_path / "here"))
    assert default_folder() == tmp_path / "here" / "compat"
    monkeypatch.setenv("LEFI_CACHE_DIR", "off")
    assert default_folder() is None
    monkeypatch.delenv("LEFI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder() == tmp_path / "xdg" / "lefi-contracts" / "compat"


def _compat_gate(reports: Path, faults: list[str], *, cache: bool = True) -> tuple[int, list[str], list]:
    outcome = run_gate(
        GateOptions(
            reports_dir=reports,
            versions="8,9",
            phases=["compat"],
            quiet=True,
            html=False,
            faults=faults,
            compat_cache=cache,
        )
    )
    return outcome.exit_code, outcome.notes, outcome.results


def test_a_warm_cache_is_used_by_the_gate_and_never_hides_a_drifted_contract(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEFI_CACHE_DIR", str(tmp_path / "cache"))
    code, notes, cold = _compat_gate(tmp_path / "r1", [])
    assert code == 0 and not any("reused from the cache" in n for n in notes)
    code, notes, warm = _compat_gate(tmp_path / "r2", [])
    assert code == 0 and any("reused from the cache" in n for n in notes), notes
    assert [(r.name, r.version, r.status, r.message) for r in warm] == [
        (r.name, r.version, r.status, r.message) for r in cold
    ]
    code, _, drifted = _compat_gate(tmp_path / "r3", ["served-contract-drift"])  # warm cache, other bytes
    assert code == 1
    assert {r.version for r in drifted if r.failed} == {"8", "9"}
    code, notes, _ = _compat_gate(tmp_path / "r4", [], cache=False)
    assert code == 0 and not any("reused from the cache" in n for n in notes)
