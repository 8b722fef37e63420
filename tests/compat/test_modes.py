"""--mode backward|forward|full on bare XSD and JSON Schema pairs (Confluent's meanings), through the CLI.

backward: the new schema must accept every document the old one allowed (new reader, old writer);
forward: the old schema must accept every document the new one allows (old reader, new writer);
full: both. Expected exit codes are for a strict reader with `--fail-on breaking` (0 held, 1 broken).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lefi_contracts.cli import main

from .helpers import jschema, root, xsd

S = '<xs:element name="{}" type="xs:string"{}/>'


def el(name: str, extra: str = "") -> str:
    return S.format(name, extra)


def limited(n: int) -> str:
    return root(
        f'<xs:element name="v"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="{n}"/>'
        "</xs:restriction></xs:simpleType></xs:element>"
    )


def codes(*values: str) -> str:
    enum = "".join(f'<xs:enumeration value="{v}"/>' for v in values)
    return root(
        f'<xs:element name="v"><xs:simpleType><xs:restriction base="xs:string">{enum}'
        "</xs:restriction></xs:simpleType></xs:element>"
    )


def choice(*names: str) -> str:
    alts = "".join(el(n) for n in names)
    return f'<xs:element name="r"><xs:complexType><xs:choice>{alts}</xs:choice></xs:complexType></xs:element>'


NAMED = (
    '<xs:complexType name="T"><xs:sequence>' + el("a") + el("b", ' minOccurs="0"') + "</xs:sequence>"
    '</xs:complexType><xs:element name="r" type="T"/>'
)
RENAMED = (
    '<xs:complexType name="Renamed"><xs:sequence>' + el("a") + el("b", ' minOccurs="0"') + "</xs:sequence>"
    '</xs:complexType><xs:element name="r" type="Renamed"/>'
)
INLINED = root(el("a") + el("b", ' minOccurs="0"'))

# (case, old, new, exit code for backward, forward, full)
XSD_PAIRS = [
    ("element removed", root(el("a") + el("b")), root(el("a")), 1, 1, 1),
    ("optional element removed", root(el("a") + el("b", ' minOccurs="0"')), root(el("a")), 1, 0, 1),
    ("optional -> required", root(el("a") + el("b", ' minOccurs="0"')), root(el("a") + el("b")), 1, 0, 1),
    ("required -> optional", root(el("a") + el("b")), root(el("a") + el("b", ' minOccurs="0"')), 0, 1, 1),
    ("maxLength narrowed", limited(10), limited(5), 1, 0, 1),
    ("maxLength widened", limited(5), limited(10), 0, 1, 1),
    ("enum value removed", codes("A", "B"), codes("A"), 1, 0, 1),
    ("enum value added", codes("A"), codes("A", "B"), 0, 1, 1),
    ("choice branch removed", choice("x", "y"), choice("x"), 1, 0, 1),
    ("choice branch added", choice("x"), choice("x", "y"), 0, 1, 1),
    ("nillable added", root(el("a")), root(el("a", ' nillable="true"')), 0, 1, 1),
    ("fixed value changed", root(el("a", ' fixed="X"')), root(el("a", ' fixed="Y"')), 1, 1, 1),
    ("type renamed (refactor)", NAMED, RENAMED, 0, 0, 0),
    ("type inlined (refactor)", NAMED, INLINED, 0, 0, 0),
]

OBJ = {"type": "object", "additionalProperties": False}
OPEN = {"type": "object"}


def props(base: dict, required: list[str] | None = None, **p: dict) -> dict:
    return {**base, "properties": p, **({"required": required} if required else {})}


STR = {"type": "string"}
JSON_PAIRS = [
    (
        "required property removed (closed)",
        props(OBJ, ["a", "b"], a=STR, b=STR),
        props(OBJ, ["a"], a=STR),
        1,
        1,
        1,
    ),
    ("optional property removed (closed)", props(OBJ, None, a=STR, b=STR), props(OBJ, None, a=STR), 1, 0, 1),
    ("optional -> required", props(OPEN, None, a=STR), props(OPEN, ["a"], a=STR), 1, 0, 1),
    ("required -> optional", props(OPEN, ["a"], a=STR), props(OPEN, None, a=STR), 0, 1, 1),
    ("maxLength narrowed", {"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5}, 1, 0, 1),
    ("maxLength widened", {"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 10}, 0, 1, 1),
    ("enum value removed", {"enum": ["A", "B"]}, {"enum": ["A"]}, 1, 0, 1),
    ("enum value added", {"enum": ["A"]}, {"enum": ["A", "B"]}, 0, 1, 1),
    (
        "oneOf branch removed",
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"type": "string"},
        1,
        0,
        1,
    ),
    ("oneOf branch added", {"type": "string"}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}, 0, 1, 1),
    ("type list widened", {"type": ["object"]}, {"type": ["object", "array"]}, 0, 1, 1),
    (
        "$ref inlined (refactor)",
        {"$defs": {"T": STR}, **props(OPEN, ["a"], a={"$ref": "#/$defs/T"})},
        props(OPEN, ["a"], a=STR),
        0,
        0,
        0,
    ),
    (
        "$defs renamed (refactor)",
        {"$defs": {"T": STR}, **props(OPEN, ["a"], a={"$ref": "#/$defs/T"})},
        {"$defs": {"U": STR}, **props(OPEN, ["a"], a={"$ref": "#/$defs/U"})},
        0,
        0,
        0,
    ),
]

MODES = ("backward", "forward", "full")


def _run(old: Path, new: Path, mode: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["diff", str(old), str(new), "--mode", mode, "--reader", "strict", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("mode_index", range(3), ids=MODES)
@pytest.mark.parametrize("case", XSD_PAIRS, ids=[c[0] for c in XSD_PAIRS])
def test_xsd_pairs_per_mode(
    case: tuple, mode_index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, old, new, *expected = case
    mode = MODES[mode_index]
    code, doc = _run(xsd(tmp_path, "o", old), xsd(tmp_path, "n", new), mode, capsys)
    assert doc["mode"] == mode
    shown = [(f["rule"], f["verdict"], f["direction"]) for f in doc["findings"]]
    assert code == expected[mode_index], (name, mode, shown)
    if code == 1:  # a breaking verdict has a witness or says why there is none
        assert all(f["witness"] or f["witness_note"] for f in doc["findings"] if f["verdict"] == "breaking")


@pytest.mark.parametrize("mode_index", range(3), ids=MODES)
@pytest.mark.parametrize("case", JSON_PAIRS, ids=[c[0] for c in JSON_PAIRS])
def test_json_schema_pairs_per_mode(
    case: tuple, mode_index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, old, new, *expected = case
    mode = MODES[mode_index]
    code, doc = _run(jschema(tmp_path, "o", old), jschema(tmp_path, "n", new), mode, capsys)
    assert doc["mode"] == mode
    shown = [(f["rule"], f["verdict"], f["direction"]) for f in doc["findings"]]
    assert code == expected[mode_index], (name, mode, shown)
    if code == 1:
        assert all(f["witness"] or f["witness_note"] for f in doc["findings"] if f["verdict"] == "breaking")


def test_full_is_backward_and_forward(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = xsd(tmp_path, "o", limited(10)), xsd(tmp_path, "n", limited(5))
    _, full = _run(old, new, "full", capsys)
    assert {f["direction"] for f in full["findings"]} == {"request", "response"}
    rules = {(f["rule"], f["direction"]) for f in full["findings"]}
    assert ("length-narrowed", "request") in rules


def test_mode_is_in_every_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = xsd(tmp_path, "o", limited(10)), xsd(tmp_path, "n", limited(5))
    main(["diff", str(old), str(new), "--mode", "backward"])
    assert "(mode: backward," in capsys.readouterr().out
    main(["diff", str(old), str(new), "--mode", "full", "--format", "markdown"])
    assert "(mode: full," in capsys.readouterr().out
    main(["diff", str(old), str(new)])  # the default, said out loud
    assert "(mode: forward," in capsys.readouterr().out


def test_operations_keep_their_own_direction(capsys: pytest.CaptureFixture[str]) -> None:
    root_dir = Path(__file__).resolve().parents[2] / "contracts"
    if not (root_dir / "versions.yaml").is_file():
        pytest.skip("no contracts")
    main(["diff", "7", "8", "--mode", "backward", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["mode"].startswith("per operation")


def test_transitive_compares_every_active_earlier_version(capsys: pytest.CaptureFixture[str]) -> None:
    from lefi_contracts.contracts import registry, version_sort_key

    reg = registry()
    soap = [v for v in reg.served() if v.transport == "soap"]
    if len(soap) < 2:
        pytest.skip("needs two served SOAP versions")
    newest = max(soap, key=lambda v: version_sort_key(v.number))
    main(["diff", newest.number, "--transitive", "--format", "json"])
    docs = json.loads(capsys.readouterr().out)
    docs = docs if isinstance(docs, list) else [docs]
    earlier = {v.number for v in soap if version_sort_key(v.number) < version_sort_key(newest.number)}
    assert earlier <= {d["old"] for d in docs}
    assert all(d["new"] == newest.number for d in docs)


def test_transitive_needs_one_registry_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "8", "9", "--transitive"]) == 2
    assert main(["diff", str(xsd(tmp_path, "o", limited(3))), "--transitive"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("lefi-contracts:") for line in err)


def test_cli_modes_are_the_engine_modes() -> None:
    from lefi_contracts import compat
    from lefi_contracts.cli import diff as cli_diff

    assert cli_diff.MODES == compat.MODES and cli_diff.DEFAULT_MODE == compat.DEFAULT_MODE
