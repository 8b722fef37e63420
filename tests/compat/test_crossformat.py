"""Cross-format keep/lose/gain through a declared mapping, on small fixtures (no registry needed)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from lefi_contracts.cli.diff import command_diff
from lefi_contracts.compat import diff_models, load_contract_model
from lefi_contracts.compat.diff import Differ, DiffOptions

from .helpers import root, xsd


def test_keep_lose_gain_change(tmp_path: Path) -> None:
    old = xsd(tmp_path, "o", root('<xs:element name="a" type="xs:string"/><xs:element name="gone" type="xs:string"/>'
                                   '<xs:element name="n" type="xs:int" maxOccurs="unbounded"/>'))  # fmt: skip
    (tmp_path / "n.json").write_text(json.dumps({
        "openapi": "3.1.0", "info": {"title": "t", "version": "9"},
        "paths": {"/r": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"a": {"type": "string"}, "n": {"type": "integer"},
                                             "extra": {"type": "string"}}}}}}}}}}}))  # fmt: skip
    (tmp_path / "map.yaml").write_text(yaml.safe_dump({"operations": [
        {"old": "element r", "new": "GET /r", "response": {"old": "document document", "new": "200 body application/json"}}]}))  # fmt: skip
    text, code = command_diff(str(old), str(tmp_path / "n.json"), fmt="json", mapping=tmp_path / "map.yaml")
    found = {(f["rule"], f["old_path"] or f["new_path"]) for f in json.loads(text)["findings"]}
    assert found == {("xf-field-kept", "/r/a"), ("xf-field-lost", "/r/gone"), ("xf-field-changed", "/r/n"),
                     ("xf-field-gained", "/extra")}  # fmt: skip
    assert code == 1  # a lost field is breaking for a consumer that moves


def test_sampling_finds_what_no_rule_explains(tmp_path: Path) -> None:
    """The safety net: with the rule pass disabled, sampling alone still catches a narrowing."""
    old = load_contract_model(xsd(tmp_path, "o", root('<xs:element name="a" type="xs:string" maxOccurs="4"/>')),
                              direction="request")  # fmt: skip
    new = load_contract_model(
        xsd(tmp_path, "n", root('<xs:element name="a" type="xs:string"/>')), direction="request"
    )
    original = Differ.run
    try:
        Differ.run = lambda self: self.findings  # type: ignore[method-assign]
        rep = diff_models(old, new, samples=40)
    finally:
        Differ.run = original  # type: ignore[method-assign]
    [f] = rep.findings
    assert f.rule == "sampled-counterexample" and f.witness.count("<a") >= 2
    assert DiffOptions().samples == 20
