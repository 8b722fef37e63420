"""Validation throughput: XsdContract (safe parse + lxml, xmlschema only when invalid) vs raw lxml on the same document.

Run: .venv/bin/python benchmarks/bench_validation.py [--version 8] [--seconds 2]
The document is a real answer of the embedded reference provider (every group of a rich persona), so the
figure is for the size of answer the suite validates. Goal: ours >= 0.8x raw lxml.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xmlschema
from lxml import etree

from lefi_contracts.client import LefiClient, Query
from lefi_contracts.validation import XsdContract, contract_for
from lefi_contracts.validation.soap_envelope import local


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Documents a second over at least `seconds`, after a warm-up."""
    for _ in range(20):
        fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def sample(version: str) -> bytes:
    """A real SOAP answer from the embedded provider: the persona with the most data the catalogue names."""
    from lefi_contracts.provider import ProviderConfig, catalogue, running_provider

    with tempfile.TemporaryDirectory() as tmp:
        config = ProviderConfig(db_path=Path(tmp) / "bench.db")
        cat = catalogue(config)
        aktor = next(
            e["aktorsId"] for e in cat.values() if isinstance(e, dict) and "FK:SJP" in (e.get("groups") or [])
        )
        best = b""
        with running_provider(config) as url, LefiClient(url, version, aktors_id=aktor) as client:
            groups = list(client.info.behaviour.formansgrupper)
            for entry in cat.values():
                if isinstance(entry, dict) and entry.get("personnummer"):
                    period = entry.get("period") or {"from": "2023-01-01", "tom": "2024-12-31"}
                    q = Query(
                        entry["personnummer"],
                        period["from"],
                        period["tom"],
                        formansinformation=groups,
                        utbetalningar=groups,
                    )
                    resp = client.query(q)
                    if resp.ok and len(resp.raw) > len(best):
                        best = resp.raw
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", default="8")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    contract = contract_for(args.version)
    assert isinstance(contract, XsdContract), "a SOAP version is needed"
    envelope = sample(args.version)
    payload = next(
        el
        for el in etree.fromstring(envelope).iter()
        if isinstance(el.tag, str) and local(el.tag).endswith("Svar")
    )
    doc = etree.tostring(payload)
    assert contract.validate_document(doc) == [], "sample is not valid"
    schema = etree.XMLSchema(etree.parse(str(contract.path)))
    xs = xmlschema.XMLSchema(str(contract.path))

    def raw_doc() -> bool:
        return schema.validate(etree.fromstring(doc))

    def raw_env() -> bool:
        root = etree.fromstring(envelope)
        return schema.validate(root[0][0])

    results = {
        "raw lxml: fromstring + XMLSchema.validate (bare document)": rate(raw_doc, args.seconds),
        "ours: XsdContract.validate_document (bare document)": rate(
            lambda: contract.validate_document(doc), args.seconds
        ),
        "raw lxml: fromstring + validate(Body child) (envelope)": rate(raw_env, args.seconds),
        "ours: XsdContract.validate_response (envelope, op, status)": rate(
            lambda: contract.validate_response(envelope, operation="hamtaFormansinformation", status=200),
            args.seconds,
        ),
        "xmlschema: is_valid (bare document)": rate(
            lambda: xs.is_valid(doc.decode()), min(args.seconds, 1.0)
        ),
    }
    print(f"version {args.version}: document {len(doc)} bytes, envelope {len(envelope)} bytes")
    for name, value in results.items():
        print(f"  {value:10.0f} docs/s  {1e6 / value:8.1f} us/doc  {name}")
    names = list(results)
    print(f"  ratio ours/raw, bare document: {results[names[1]] / results[names[0]]:.2f}x (goal >= 0.8x)")
    print(f"  ratio ours/raw, envelope:      {results[names[3]] / results[names[2]]:.2f}x (goal >= 0.8x)")


if __name__ == "__main__":
    main()
