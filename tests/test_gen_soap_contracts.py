"""tools/gen_soap_contracts.py: the SOAP contracts are v9's FK model plus the overlay contracts/model/soap.yaml.

Each test runs the generator on a copy of contracts/ (tmp_path), so that a stale file, a new rule, a new SOAP
version or a broken overlay can be shown without touching the committed files.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
XS = "{http://www.w3.org/2001/XMLSchema}"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_soap_contracts", ROOT / "tools" / "gen_soap_contracts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    copy = tmp_path / "contracts"
    shutil.copytree(ROOT / "contracts", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def keys(xsd: Path) -> list[str]:
    node = etree.parse(str(xsd)).find(f"{XS}complexType[@name='LefiFormansinformation']")
    assert node is not None
    return [e.get("name", "") for e in node.iter(f"{XS}element")]


def test_check_names_a_stale_file_and_a_run_rewrites_it(
    contracts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wsdl = contracts / "v6" / "lefi-online-v6.wsdl"
    committed = wsdl.read_text(encoding="utf-8")
    wsdl.write_text(committed.replace("LefiOnlinePort", "LefiOnlinePorten"), encoding="utf-8")
    assert GEN.main(["--check", "--contracts", str(contracts)]) == 1
    assert capsys.readouterr().out.splitlines() == ["stale: contracts/v6/lefi-online-v6.wsdl"]
    assert GEN.main(["--contracts", str(contracts)]) == 0
    assert wsdl.read_text(encoding="utf-8") == committed
    assert GEN.main(["--check", "--contracts", str(contracts)]) == 0


def test_a_version_delta_is_an_overlay_rule(contracts: Path) -> None:
    """A new present_only_when rule (data only) removes the element where its condition fails."""
    edit(
        contracts / "model" / "soap.yaml",
        "present_only_when:\n",
        "present_only_when:\n  LefiFormansinformation.skatteuppgift:\n    preliminara_utbetalningar: harmonised\n",
    )
    assert GEN.main(["--check", "--contracts", str(contracts)]) == 1  # the drift guard sees the new rule
    assert GEN.main(["--contracts", str(contracts)]) == 0
    assert "skatteuppgift" not in keys(contracts / "v7" / "lefi-online-v7.xsd")
    assert "skatteuppgift" in keys(contracts / "v8" / "lefi-online-v8.xsd")
    assert "- formansinformation/skatteuppgift added" in (contracts / "v8" / "README.md").read_text("utf-8")


def add_version_10_like_8(contracts: Path) -> None:
    registry = contracts / "versions.yaml"
    v8 = re.search(r'\n  "8":\n(?:    .*\n)+', registry.read_text(encoding="utf-8"))
    assert v8 is not None
    v10 = v8.group(0).replace('"8"', '"10"').replace("v8", "v10").replace('"8.0"', '"10.0"')
    registry.write_text(registry.read_text(encoding="utf-8") + v10.lstrip("\n"), encoding="utf-8")


def test_a_new_soap_version_is_a_registry_entry(contracts: Path) -> None:
    """A version 10 like 8: an entry in versions.yaml (and in the code lists' versions), no code."""
    add_version_10_like_8(contracts)
    codes = contracts / "codes" / "ovrig-information.yaml"
    codes.write_text(
        codes.read_text(encoding="utf-8").replace('"8", "9"]', '"8", "9", "10"]'), encoding="utf-8"
    )
    assert GEN.main(["--contracts", str(contracts)]) == 0
    xsd10 = contracts / "v10" / "lefi-online-v10.xsd"
    etree.XMLSchema(etree.parse(str(xsd10)))  # a valid schema
    assert keys(xsd10) == keys(contracts / "v8" / "lefi-online-v8.xsd")
    assert "No schema difference is modelled" in (contracts / "v10" / "README.md").read_text("utf-8")
    assert (contracts / "v10" / "lefi-online-v10.wsdl").is_file()


def test_a_version_the_code_lists_do_not_know_is_refused(contracts: Path) -> None:
    """Without its övrig-information types the enumeration would be empty, i.e. accept any string."""
    add_version_10_like_8(contracts)
    with pytest.raises(
        SystemExit, match="LefiOvrigInformationTypKod: codes:ovrig-information gives no value"
    ):
        GEN.main(["--check", "--contracts", str(contracts)])
    assert not (contracts / "v10").exists()


# (id, text of the overlay, its replacement, what the one-line error says)
BROKEN_OVERLAYS = [
    (
        "rule-names-a-missing-element",
        "  LefiFormansinformation.programjobdagar:",
        "  LefiFormansinformation.jobbdagar:",
        "present_only_when: the model has no element LefiFormansinformation.jobbdagar",
    ),
    (
        "patterned-string-without-simple-type",
        "  LefiSjukOchAktivitetsersattningSteglosAvrakning: {artal: LefiAr}\n",
        "",
        "v9 LefiSjukOchAktivitetsersattningSteglosAvrakning.artal has a pattern",
    ),
    (
        "typed-string-v9-lacks",
        "LefiSjukpenningArende: {startades:",
        "LefiSjukpenningArende: {startat:",
        "typed_strings: the model has no element LefiSjukpenningArende.startat",
    ),
    (
        "addition-v9-does-not-mark",
        "  LefiSjukpenningArende.avslaget: >-",
        "  LefiSjukpenningArende.aktivt: >-",
        "additions must annotate exactly the fields v9 marks x-lefi-addition",
    ),
    (
        "enumeration-source-without-enum",
        "'openapi:LefiTillstandKod'",
        "'openapi:LefiTillstand'",
        "enumerations.LefiTillstandKod: unknown values source 'openapi:LefiTillstand'",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [row[1:] for row in BROKEN_OVERLAYS], ids=[row[0] for row in BROKEN_OVERLAYS]
)
def test_a_broken_overlay_is_one_clear_line(contracts: Path, old: str, new: str, message: str) -> None:
    edit(contracts / "model" / "soap.yaml", old, new)
    with pytest.raises(SystemExit) as exc:
        GEN.main(["--check", "--contracts", str(contracts)])
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)
