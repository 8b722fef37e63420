"""A pytest plugin the gate loads into the scenario run: every test outcome becomes one CheckResult line (NDJSON).

The gate runs `pytest steps` in its own process; this plugin is how its outcomes come back into the gate's one
result stream. Enable with `-p lefi_contracts.report.bdd_plugin --lefi-results FILE`; `--lefi-allure-dir DIR` also
writes the scenarios' Allure results (report.bdd_allure: our own writer, so no pytest Allure plugin is needed and
none can clash with a user's `--alluredir`).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from lefi_contracts.results import Attachment, CheckResult

_LOCK = threading.Lock()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("lefi-contracts").addoption(
        "--lefi-results", default=os.environ.get("LEFI_RESULTS_NDJSON"), help="write CheckResult NDJSON here"
    )
    parser.getgroup("lefi-contracts").addoption(
        "--lefi-allure-dir",
        default=None,
        metavar="DIR",
        help="write each scenario's Allure result (Gherkin steps, attachments, labels) into DIR",
    )


def _template(item: pytest.Item) -> Any:
    func = getattr(item, "obj", None)
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry as registry
    except ImportError:
        return None
    return registry.get(func) if func is not None else None


def _feature_tags(item: pytest.Item) -> str:
    """The feature's Gherkin tags, space separated: how a scenario finds its behaviour row (report.behaviours)."""
    template = _template(item)
    tags = getattr(getattr(template, "feature", None), "tags", None) or ()
    return " ".join(sorted(str(t) for t in tags))


def _scenario(item: pytest.Item) -> tuple[str, str]:
    """(feature name, scenario name with the Examples row filled in) of a pytest-bdd item, else (module, test)."""
    func = getattr(item, "obj", None)
    template = _template(item)  # None in another pytest-bdd layout: the docstring pytest-bdd writes instead
    if template is not None:
        try:
            rendered = template.render(_example(item))
            return str(template.feature.name), str(rendered.name)
        except Exception:  # a row that does not render still has its template's names
            return str(template.feature.name), str(template.name)
    doc = getattr(func, "__doc__", None) or ""
    if ": " in doc:
        feature, name = doc.split(": ", 1)
        return feature, name
    return getattr(getattr(item, "module", None), "__name__", "tests"), item.name


def _version(item: pytest.Item) -> str | None:
    from lefi_contracts.pytest_plugin import _item_version

    return _item_version(item)


def _example(item: pytest.Item) -> dict[str, str]:
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example") if callspec is not None else None
    return {str(k): str(v) for k, v in example.items()} if isinstance(example, dict) else {}


class _Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
        self.seen: set[str] = set()
        self.config: pytest.Config | None = None

    def write(self, result: CheckResult) -> None:
        with _LOCK, self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        terminal = self.config.pluginmanager.get_plugin("terminalreporter") if self.config else None
        if terminal is not None:
            # One line a result on pytest's output: the gate reads that output line by line and counts the
            # NDJSON as it grows, so its progress moves while the scenarios run (not only when they end).
            terminal.write("\n", flush=True)


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--lefi-results", default=None)
    if path:
        writer = _Writer(Path(path))
        writer.config = config
        config.stash[_KEY] = writer
    allure_dir = config.getoption("--lefi-allure-dir", default=None)
    if allure_dir:
        from lefi_contracts.report.bdd_allure import register

        register(config, Path(allure_dir).absolute())


_KEY: pytest.StashKey[_Writer] = pytest.StashKey()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    writer = item.config.stash.get(_KEY, None)
    if writer is None or item.nodeid in writer.seen:
        return
    # One record per test: the call phase, or the setup phase when it failed or skipped (never both).
    if report.when == "call" or (report.when == "setup" and not report.passed):
        writer.seen.add(item.nodeid)
        feature, name = _scenario(item)
        if report.passed:
            status = "passed"
        elif report.skipped:
            status = "skipped"
        else:
            status = "failed" if report.when == "call" else "broken"
        message, details = "", ""
        if not report.passed:
            longrepr = report.longreprtext or ""
            lines = [ln for ln in longrepr.splitlines() if ln.strip()]
            err = [ln for ln in lines if ln.startswith("E ")]
            message = (err[0][1:].strip() if err else (lines[-1] if lines else status))[:500]
            details = longrepr[-4000:]
        params = {k: v for k, v in _example(item).items() if k != "version"}
        params["feature_tags"] = _feature_tags(item)
        writer.write(
            CheckResult(
                phase="scenarios",
                name=name,
                status=status,  # type: ignore[arg-type]
                version=_version(item),
                behaviour=feature,
                message=message,
                details=details,
                duration=report.duration,
                parameters={"nodeid": item.nodeid, **params},
                attachments=[Attachment(s, c) for s, c in report.sections if s.startswith("Captured")][:3],
            )
        )
