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
        ("municipality", "7"), ("insurer", "8"), ("unemployment-fund", "9"), ("system-vendor", "5"),
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
        ("fsjp-own-set-missing", "insurer-v8.yaml", "missing: formansinformation/forebyggandeSjukpenningsarende"),
        ("required-element-missing", "municipality-v7.yaml", "contract:"),
        ("unknown-actor-accepted", "unemployment-fund-v9.yaml", None),
    ],
)
def test_consumer_verification_fails_against_a_faulty_provider(fault: str, consumer: str, message: str | None) -> None:
    with target_or_embedded(None, faults=[fault]) as (url, _):
        results = verify_consumer(load_consumer(CONSUMERS / consumer), url)
    failed = [r for r in results if r.failed]
    if message is None:  # a fault that does not touch this consumer must not fail it (no false alarm)
        assert not failed, [(r.name, r.message) for r in failed]
    else:
        assert failed and any(message in r.message for r in failed), [(r.name, r.message) for r in results]
