"""The pull-request review: a changed version's contract is diffed by the compat library, consumers checked."""

from __future__ import annotations

import shutil
from pathlib import Path

from lefi_contracts.report.contract_review import review

ROOT = Path(__file__).resolve().parents[1]


def test_review_diffs_a_changed_version_through_the_library(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    shutil.copytree(ROOT / "contracts", base)
    shutil.copytree(ROOT / "contracts", head)
    text, code = review(base, head)
    assert code == 0 and "No version's contract changed." in text
    xsd = head / "v8" / "lefi-online-v8.xsd"
    # the first optional element of v8 (the request's anvandare) made required: breaking for every v8 caller
    xsd.write_text(
        xsd.read_text(encoding="utf-8").replace('minOccurs="0"', 'minOccurs="1"', 1), encoding="utf-8"
    )
    text, code = review(base, head)
    changed = text.split("### v8", 1)[1].split("## Consumers", 1)[0]
    assert "could not run" not in text
    assert "| breaking | `request-field-became-required` |" in changed  # compat's Markdown table
    assert code == 1 and "**something breaks** (exit code 1)" in text
    assert "✘ breaks" in text.split("## Consumers", 1)[1]
