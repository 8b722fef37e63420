"""Fuzzing under pytest, one test per served version (the --lefi-version option of our plugin narrows them).

    pytest --pyargs lefi_contracts.fuzz.pytest_fuzz -p lefi_contracts [--lefi-target URL] [--lefi-version 5,9] [--alluredir=DIR]

Budget and seed come from LEFI_FUZZ_EXAMPLES (default 100) and LEFI_FUZZ_SEED (default: random, printed).
A failed version fails its test with the summary and reproducers (personnummer masked); the version and the
operations are Allure parameters, so versions are distinct results, not retries of one.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from lefi_contracts.contracts import VersionInfo, registry
from lefi_contracts.fuzz import run_fuzz

allure: Any
try:
    import allure
except ImportError:  # pragma: no cover - allure-pytest is a dependency
    allure = None


@pytest.mark.parametrize("version", registry().served(), ids=lambda v: f"v{v.number}")
def test_fuzz_version(version: VersionInfo, lefi_target: str, lefi_catalogue: dict) -> None:
    examples = int(os.environ.get("LEFI_FUZZ_EXAMPLES", "100"))
    seed_text = os.environ.get("LEFI_FUZZ_SEED")
    result = run_fuzz(
        lefi_target, version.number, examples, int(seed_text) if seed_text else None, catalogue=lefi_catalogue
    )
    if allure is not None:
        allure.dynamic.parameter("version", version.number)
        allure.dynamic.parameter("operations", ", ".join(sorted({o.operation for o in result.outcomes})))
        allure.attach(result.summary(), name="fuzz summary", attachment_type=allure.attachment_type.TEXT)
    assert not result.failed, result.summary()
