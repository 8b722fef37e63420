"""Allure results of the scenario run, written by us: one result per scenario, its Gherkin steps as Allure steps.

Why not allure-pytest-bdd: it and allure-pytest both register `--alluredir`, so depending on it at runtime broke
a plain `pytest` in every project that has allure-pytest (exit 3). This writer uses only allure-python-commons
(a library without a pytest entry point) and is switched on by `--lefi-allure-dir` of
lefi_contracts.report.bdd_plugin. The steps' `allure.attach` / `allure.step` / `allure.dynamic` calls land in the
running scenario through allure_commons' plugin manager; every string written is masked (no personnummer).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import allure_commons
import pytest
from allure_commons.lifecycle import AllureLifecycle
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Link, Parameter, Status, StatusDetails, TestResult
from allure_commons.types import AttachmentType
from allure_commons.utils import format_exception, format_traceback, md5, now, uuid4

from lefi_contracts.personnummer import mask_text
from lefi_contracts.report import bdd_plugin
from lefi_contracts.report.behaviours import behaviour_of, labels, links
from lefi_contracts.results import CheckResult

# pytest's own marks are not Gherkin tags (allure-pytest-bdd skips the same ones).
_NOT_TAGS = {"parametrize", "usefixtures", "filterwarnings", "skip", "skipif", "xfail", "no_cover", "trylast"}
_PRIMITIVES = (str, int, float, bool)


@dataclass
class _Scenario:
    """What one running scenario has reported so far (kept in the item's stash)."""

    uuid: str
    steps: list[Any]
    step_uuids: dict[int, str] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)
    excinfo: pytest.ExceptionInfo[BaseException] | None = None

    def step_uuid(self, step: Any) -> str:
        return self.step_uuids.setdefault(id(step), uuid4())


_KEY: pytest.StashKey[_Scenario] = pytest.StashKey()


def _status(exc: BaseException | None) -> str:
    if exc is None:
        return Status.PASSED
    if isinstance(exc, pytest.skip.Exception | pytest.xfail.Exception):
        return Status.SKIPPED
    if isinstance(exc, AssertionError | pytest.fail.Exception):
        return Status.FAILED
    return Status.BROKEN


def _details(exc: BaseException | None) -> StatusDetails | None:
    if exc is None:
        return None
    return StatusDetails(message=format_exception(type(exc), exc), trace=format_traceback(exc.__traceback__))


def _report_status(report: pytest.TestReport, call: pytest.CallInfo[Any]) -> str:
    """A test's Allure status from one phase's report: a setup or teardown error is broken, not failed."""
    if report.passed:
        return Status.PASSED
    if report.skipped:
        return Status.SKIPPED
    if report.when != "call" or call.excinfo is None:
        return Status.BROKEN
    return _status(call.excinfo.value)


class ScenarioListener:
    """pytest(-bdd) hooks: schedule a result when a scenario starts, a step per Gherkin step, write at teardown."""

    def __init__(self, lifecycle: AllureLifecycle) -> None:
        self.lifecycle = lifecycle

    def _schedule(self, item: pytest.Item, feature: Any, name: str, description: str | None) -> _Scenario:
        state = item.stash[_KEY] = _Scenario(uuid4(), [])
        full_name = f"{os.path.normpath(str(getattr(feature, 'rel_filename', '')))}:{name}"
        example = bdd_plugin._example(item)
        with self.lifecycle.schedule_test_case(uuid=state.uuid) as result:
            result.name = name
            result.fullName = full_name
            result.testCaseId = md5(full_name)
            result.historyId = md5(full_name, *(f"{k}={v}" for k, v in sorted(example.items())))
            result.description = description
            result.start = now()
            result.parameters.extend(Parameter(name=k, value=v) for k, v in example.items())
        return state

    @pytest.hookimpl
    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
        item = request.node
        description = "\n".join(
            x for x in (_text(getattr(feature, "description", None)), _text(scenario.description)) if x
        )
        state = self._schedule(item, feature, str(scenario.name), description or None)
        state.steps = list(scenario.steps)
        item.addfinalizer(partial(self._remaining_steps, item))

    @pytest.hookimpl
    def pytest_bdd_before_step(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
    ) -> None:
        state = request.node.stash.get(_KEY, None)
        if state is not None:
            self._start_step(state, step)

    @pytest.hookimpl
    def pytest_bdd_before_step_call(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: dict[str, Any],
    ) -> None:
        """The step's own arguments (what its text said) as step parameters; fixtures are not shown."""
        state = request.node.stash.get(_KEY, None)
        if state is None:
            return
        uuid = state.step_uuid(step)
        table = step_func_args.get("datatable")
        if isinstance(table, list) and all(isinstance(row, list) for row in table):
            body = "\n".join(",".join(str(c) for c in row) for row in table)
            self.lifecycle.attach_data(uuid4(), body, "Data table", AttachmentType.CSV, parent_uuid=uuid)
        with self.lifecycle.update_step(uuid=uuid) as result:
            if result is not None:
                result.parameters.extend(
                    Parameter(name=k, value=str(v))
                    for k, v in step_func_args.items()
                    if isinstance(v, _PRIMITIVES) and k != "datatable"
                )

    @pytest.hookimpl
    def pytest_bdd_after_step(self, request: pytest.FixtureRequest, step: Any, **_: Any) -> None:
        self._stop_step(request.node, step, Status.PASSED, None)

    @pytest.hookimpl
    def pytest_bdd_step_error(
        self, request: pytest.FixtureRequest, step: Any, exception: Exception, **_: Any
    ) -> None:
        self._stop_step(request.node, step, _status(exception), _details(exception))

    @pytest.hookimpl
    def pytest_bdd_step_func_lookup_error(
        self, request: pytest.FixtureRequest, step: Any, exception: Exception, **_: Any
    ) -> None:
        state = request.node.stash.get(_KEY, None)
        if state is not None:
            self._start_step(state, step)
            details = StatusDetails(
                message=f"no step definition: {format_exception(type(exception), exception)}"
            )
            self._stop_step(request.node, step, Status.BROKEN, details)

    def _start_step(self, state: _Scenario, step: Any) -> None:
        with self.lifecycle.start_step(parent_uuid=state.uuid, uuid=state.step_uuid(step)) as result:
            result.name = f"{step.keyword} {step.name}"
            result.start = now()

    def _stop_step(self, item: pytest.Item, step: Any, status: str, details: StatusDetails | None) -> None:
        state = item.stash.get(_KEY, None)
        if state is None:
            return
        uuid = state.step_uuid(step)
        with self.lifecycle.update_step(uuid=uuid) as result:
            if result is None:
                return
            result.status, result.statusDetails = status, details
        self.lifecycle.stop_step(uuid=uuid)
        state.reported.add(uuid)

    def _remaining_steps(self, item: pytest.Item) -> None:
        """Steps that never finished: the one running when the scenario broke carries the error, later ones are
        skipped (as Allure shows an interrupted scenario)."""
        state = item.stash.get(_KEY, None)
        if state is None:
            return
        excinfo = state.excinfo
        for step in state.steps:
            uuid = state.step_uuid(step)
            if uuid in state.reported:
                continue
            with self.lifecycle.update_step(uuid=uuid) as running:
                started = running is not None
            if not started:
                self._start_step(state, step)
            if started and excinfo is not None:
                self._stop_step(item, step, _status(excinfo.value), _details(excinfo.value))
                excinfo = None
            else:
                self._stop_step(item, step, Status.SKIPPED, None)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
        state = item.stash.get(_KEY, None)
        if state is None and report.when == "setup" and not report.passed:
            state = self._schedule_unstarted(item)  # skipped or broken before the scenario began
        if state is None:
            return
        if report.when == "call":
            state.excinfo = call.excinfo
        with self.lifecycle.update_test_case(uuid=state.uuid) as result:
            if result is None:
                return
            if result.status in (None, Status.PASSED) and (report.when == "call" or not report.passed):
                result.status = _report_status(report, call)
                if not report.passed:
                    message = call.excinfo.exconly() if call.excinfo else report.longreprtext[:500]
                    result.statusDetails = StatusDetails(message=message, trace=report.longreprtext)
            if report.when == "teardown":
                result.stop = now()
                self._label(item, result)
        if report.when == "teardown":
            self.lifecycle.write_test_case(uuid=state.uuid)
            del item.stash[_KEY]

    def _schedule_unstarted(self, item: pytest.Item) -> _Scenario | None:
        template = bdd_plugin._template(item)
        if template is None:
            return None  # not a scenario: nothing of ours
        _, name = bdd_plugin._scenario(item)
        state = self._schedule(item, template.feature, name, None)
        try:  # the Examples row filled in, as a started scenario's steps are
            state.steps = list(template.render(bdd_plugin._example(item)).steps)
        except Exception:
            state.steps = list(getattr(template, "steps", []))
        item.addfinalizer(partial(self._remaining_steps, item))
        return state

    def _label(self, item: pytest.Item, result: TestResult) -> None:
        """The labels our other results carry (version, behaviour, phase, kind: report.behaviours), so the report
        reads per version; the Gherkin tags; the release-note and contract links."""
        feature, name = bdd_plugin._scenario(item)
        check = CheckResult(
            phase="scenarios",
            name=str(result.name or name),
            status="broken" if result.status == Status.BROKEN else "passed",
            version=bdd_plugin._version(item),
            behaviour=feature or None,
            parameters={"feature_tags": bdd_plugin._feature_tags(item)},
        )
        pairs = [("framework", "pytest-bdd"), ("language", "python"), *labels(check)]
        pairs += [
            ("tag", m.name) for m in item.iter_markers() if not (m.args or m.kwargs or m.name in _NOT_TAGS)
        ]
        seen = {(label.name, label.value) for label in result.labels}
        for pair in pairs:
            if pair not in seen:
                seen.add(pair)
                result.labels.append(Label(name=pair[0], value=pair[1]))
        known = {(link.url, link.name) for link in result.links}
        for link in links(check, behaviour_of(check)):
            if (link["url"], link["name"]) not in known:
                result.links.append(Link(type=link.get("type", "link"), url=link["url"], name=link["name"]))


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    return str(value).strip() if value else ""


class AllureApi:
    """allure_commons hooks: what `allure.attach`, `allure.step` and `allure.dynamic` do inside a scenario."""

    def __init__(self, lifecycle: AllureLifecycle) -> None:
        self.lifecycle = lifecycle

    @allure_commons.hookimpl
    def add_title(self, test_title: str) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                result.name = test_title

    @allure_commons.hookimpl
    def add_description(self, test_description: str) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                result.description = test_description

    @allure_commons.hookimpl
    def add_description_html(self, test_description_html: str) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                result.descriptionHtml = test_description_html

    @allure_commons.hookimpl
    def add_label(self, label_type: str, labels: list[str]) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                result.labels.extend(Label(name=label_type, value=v) for v in labels or [])

    @allure_commons.hookimpl
    def add_link(self, url: str, link_type: str, name: str | None) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                result.links.append(Link(url=url, name=name, type=link_type))

    @allure_commons.hookimpl
    def add_parameter(self, name: str, value: Any, excluded: bool | None, mode: Any) -> None:
        with self.lifecycle.update_test_case() as result:
            if result is not None:
                mode_value = getattr(mode, "value", None)
                result.parameters.append(
                    Parameter(name=name, value=str(value), excluded=excluded, mode=mode_value)
                )

    @allure_commons.hookimpl
    def start_step(self, uuid: str, title: str, params: dict[str, Any]) -> None:
        with self.lifecycle.start_step(uuid=uuid) as step:
            step.name = title
            step.start = now()
            step.parameters.extend(Parameter(name=k, value=str(v)) for k, v in (params or {}).items())

    @allure_commons.hookimpl
    def stop_step(self, uuid: str, exc_type: Any, exc_val: BaseException | None, exc_tb: Any) -> None:
        with self.lifecycle.update_step(uuid=uuid) as step:
            if step is None:
                return
            step.status, step.statusDetails = _status(exc_val), _details(exc_val)
        self.lifecycle.stop_step(uuid=uuid)

    @allure_commons.hookimpl
    def attach_data(self, body: Any, name: str | None, attachment_type: Any, extension: str | None) -> None:
        self.lifecycle.attach_data(
            uuid4(), body, name=name, attachment_type=attachment_type, extension=extension
        )

    @allure_commons.hookimpl
    def attach_file(self, source: Any, name: str | None, attachment_type: Any, extension: str | None) -> None:
        self.lifecycle.attach_file(
            uuid4(), source, name=name, attachment_type=attachment_type, extension=extension
        )


class MaskedFileLogger(AllureFileLogger):
    """allure_commons' file writer, with every identity number masked in results and text attachments: step
    arguments, messages and tracebacks can quote a response; masking at write time holds for all of them."""

    def _report_item(self, item: Any) -> None:
        _mask_model(item)
        super()._report_item(item)

    @allure_commons.hookimpl
    def report_attached_data(self, body: Any, file_name: str) -> None:
        if isinstance(body, bytes):
            with contextlib.suppress(UnicodeDecodeError):
                body = mask_text(body.decode("utf-8")).encode("utf-8")
        elif isinstance(body, str):
            body = mask_text(body)
        super().report_attached_data(body, file_name)

    @allure_commons.hookimpl
    def report_attached_file(self, source: Any, file_name: str) -> None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            super().report_attached_file(source, file_name)
            return
        self.report_attached_data(text, file_name)


def _mask_model(value: Any) -> Any:
    """Mask the strings of an allure_commons model object (attrs classes, lists) in place."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        value[:] = [_mask_model(v) for v in value]
        return value
    fields = getattr(type(value), "__attrs_attrs__", None)
    if fields is not None:
        for attribute in fields:
            setattr(value, attribute.name, _mask_model(getattr(value, attribute.name)))
    return value


def register(config: pytest.Config, folder: Path) -> None:
    """Write this run's scenario results into `folder` (created; earlier results there are kept)."""
    lifecycle = AllureLifecycle()
    listener, api, logger = ScenarioListener(lifecycle), AllureApi(lifecycle), MaskedFileLogger(folder)
    config.pluginmanager.register(listener, "lefi-contracts-allure")
    allure_commons.plugin_manager.register(api)
    allure_commons.plugin_manager.register(logger)

    def unregister() -> None:
        for plugin in (api, logger):
            allure_commons.plugin_manager.unregister(plugin)

    config.add_cleanup(unregister)
