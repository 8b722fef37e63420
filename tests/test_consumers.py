from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lefi_contracts.consumers import load_consumer, load_consumers, values_at, verify_consumer
from lefi_contracts.errors import ContractError, UsageError
from lefi_contracts.target import target_or_embedded

CONSUMERS = Path(__file__).resolve().parents[1] / "contracts" / "consumers"


def test_the_example_consumers_cover_four_kinds_and_four_versions() -> None:
    consumers = load_consumers()
    assert {c.kind for c in consumers} >= {"municipality", "insurer", "unemployment-fund", "system-vendor"}
    assert {(c.kind, c.version) for c in consumers} >= {
        ("municipality", "7"),
        ("insurer", "8"),
        ("unemployment-fund", "9"),
        ("system-vendor", "5"),
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("consumer: [", "not valid YAML"),
        ("consumer: x\n", "is a required property"),
        (
            "consumer: x\nversion: '7'\noperations: [hamta]\ngroups: {formansinformation: [FK:SJP]}\n"
            "reads: [a/b]\nexamples: [{persona: p, period: {from: '2024-01-01', tom: '2024-02-01'}}]\n",
            "operations/0",
        ),
        (
            "consumer: x\nversion: '7'\noperations: [hamtaFormansinformation]\ngroups: {formansinformation: [SJP]}\n"
            "reads: [a/b]\nexamples: [{persona: p, period: {from: '2024-01-01', tom: '2024-02-01'}}]\n",
            "groups/formansinformation/0",
        ),
        (
            "consumer: x\nversion: '7'\noperations: [hamtaFormansinformation]\ngroups: {formansinformation: [FK:SJP]}\n"
            "reads: ['a//b']\nexamples: [{persona: p, period: {from: '2024-01-01', tom: '2024-02-01'}}]\n",
            "reads/0",
        ),
    ],
)
def test_a_bad_consumer_contract_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(ContractError, match=message):
        load_consumer(path)


def test_missing_consumer_contract() -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_consumer(Path("no-such-consumer.yaml"))


def test_values_at_flattens_repetition() -> None:
    data = {"f": {"a": [{"b": [{"c": 1}, {"c": 2}]}, {"b": {"c": 3}}, {"b": None}]}}
    assert values_at(data, "f/a/b/c") == [1, 2, 3]
    assert values_at(data, "f/x") == []


@pytest.fixture(scope="module")
def correct_target() -> Iterator[str]:
    with target_or_embedded(None) as (url, _):
        yield url


@pytest.mark.parametrize("name", sorted(p.name for p in CONSUMERS.glob("*.yaml")))
def test_every_example_consumer_holds_against_the_correct_provider(correct_target: str, name: str) -> None:
    results = verify_consumer(load_consumer(CONSUMERS / name), correct_target)
    assert results and all(r.status == "passed" for r in results), [(r.name, r.message) for r in results]


@pytest.mark.parametrize(
    ("fault", "consumer", "message"),
    [
        (
            "fsjp-own-set-missing",
            "insurer-v8.yaml",
            "missing: formansinformation/forebyggandeSjukpenningsarende",
        ),
        ("required-element-missing", "municipality-v7.yaml", "contract:"),
        ("unknown-actor-accepted", "unemployment-fund-v9.yaml", None),
    ],
)
def test_consumer_verification_fails_against_a_faulty_provider(
    fault: str, consumer: str, message: str | None
) -> None:
    with target_or_embedded(None, faults=[fault]) as (url, _):
        results = verify_consumer(load_consumer(CONSUMERS / consumer), url)
    failed = [r for r in results if r.failed]
    if message is None:  # a fault that does not touch this consumer must not fail it (no false alarm)
        assert not failed, [(r.name, r.message) for r in failed]
    else:
        assert failed and any(message in r.message for r in failed), [(r.name, r.message) for r in results]


# ------------------------------------------------------------------------------------------ can-i-deploy


def _candidate(tmp_path: Path, edit: tuple[str, str, str] | None) -> Path:
    """A copy of contracts/ with one textual edit (file, old, new): the shape of a provider's change."""
    import shutil

    root = tmp_path / "contracts"
    shutil.copytree(CONSUMERS.parent, root)
    if edit:
        rel, old, new = edit
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _verdicts(candidate: Path) -> dict[str, str]:
    from lefi_contracts.consumers import can_i_deploy

    results = can_i_deploy(candidate, consumers=load_consumers())
    return {r.version or "": r.status for r in results}


def test_an_unchanged_tree_breaks_nobody(tmp_path: Path) -> None:
    assert set(_verdicts(_candidate(tmp_path, None)).values()) == {"passed"}


@pytest.mark.parametrize(
    ("edit", "broken"),
    [
        # a field the municipality (v7) reads disappears from its answer
        (
            (
                "v7/lefi-online-v7.xsd",
                '<xs:complexType name="LefiSjukpenningArende">\n    <xs:sequence>\n'
                '      <xs:element name="startades" type="tns:LefiDatum" minOccurs="0"/>\n',
                '<xs:complexType name="LefiSjukpenningArende">\n    <xs:sequence>\n',
            ),
            {"7"},
        ),
        # the insurer's (v8) request: 10-digit personnummer no longer accepted
        (("v8/lefi-online-v8.xsd", 'value="[0-9]{10}|[0-9]{12}"', 'value="[0-9]{12}"'), {"8"}),
        # a shared type changes (LefiBelopp loses summa): the diff reports it at one path, the municipality reads it
        # at others (bostadsbidrag beslutatBruttobelopp, preliminary nettobelopp)
        (
            (
                "v7/lefi-online-v7.xsd",
                '<xs:complexType name="LefiBelopp">\n    <xs:sequence>\n'
                '      <xs:element name="summa" type="xs:double" minOccurs="0"/>\n',
                '<xs:complexType name="LefiBelopp">\n    <xs:sequence>\n',
            ),
            {"7"},
        ),
        # version 5 retired: its system vendor is left without a service
        (("versions.yaml", "    status: deprecated\n", "    status: retired\n"), {"5"}),
    ],
)
def test_a_candidate_breaks_exactly_the_consumers_that_use_what_changed(
    tmp_path: Path, edit: tuple[str, str, str], broken: set[str]
) -> None:
    verdicts = _verdicts(_candidate(tmp_path, edit))
    assert {v for v, status in verdicts.items() if status == "failed"} == broken, verdicts


def test_a_change_nobody_reads_breaks_nobody(tmp_path: Path) -> None:
    edit = (
        "v7/lefi-online-v7.xsd",
        '<xs:element name="programanvisning"',
        '<xs:element name="programanvisningUtgar"',
    )
    assert set(_verdicts(_candidate(tmp_path, edit)).values()) == {"passed"}


def test_can_i_deploy_command_exit_codes(tmp_path: Path) -> None:
    from lefi_contracts.consumers import command_can_i_deploy

    text, code = command_can_i_deploy(contracts_dir=_candidate(tmp_path / "a", None))
    assert code == 0 and "4 passed, 0 failed" in text
    edit = ("versions.yaml", "    status: deprecated\n", "    status: retired\n")
    text, code = command_can_i_deploy(contracts_dir=_candidate(tmp_path / "b", edit))
    assert code == 1 and "no longer serves version 5" in text
    with pytest.raises(UsageError, match="not a contracts folder"):
        command_can_i_deploy(contracts_dir=tmp_path)


def test_a_read_path_the_contract_does_not_declare_fails(correct_target: str, tmp_path: Path) -> None:
    text = (CONSUMERS / "insurer-v8.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "reads:\n", "reads:\n  - formansinformation/sjukpenningarende/beslut/sjukskrivningsgrad\n", 1
    )
    path = tmp_path / "insurer-typo.yaml"
    path.write_text(text, encoding="utf-8")
    results = verify_consumer(load_consumer(path), correct_target)
    declared = next(r for r in results if "every field it reads" in r.name)
    assert declared.failed and "sjukskrivningsgrad" in declared.message


def test_consumer_verification_holds_every_answer_to_the_oracle() -> None:
    """An answer that carries another person's data breaks every consumer, whatever fields it reads."""
    with target_or_embedded(None, faults=["other-person-in-answer"]) as (url, _embedded):
        results = [r for c in load_consumers() for r in verify_consumer(c, url)]
    flagged = {r.version for r in results if r.failed and "lefi_disclosure_person_asked" in r.message}
    assert flagged == {c.version for c in load_consumers() if c.examples}, [
        (r.version, r.message) for r in results if r.failed
    ]
