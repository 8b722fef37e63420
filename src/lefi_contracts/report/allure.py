"""Allure 2-format result files written from the one result stream.

Allure 2 and Allure 3 both read this format; writing it ourselves (rather than through allure-pytest) lets every
phase (compat, validation, fuzzing, consumers, regression) land in the same report as the BDD scenarios.
"""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_mod
from collections.abc import Iterable
from pathlib import Path

from lefi_contracts.report.behaviours import KINDS, behaviour_of
from lefi_contracts.report.behaviours import labels as behaviour_labels
from lefi_contracts.report.behaviours import links as behaviour_links
from lefi_contracts.report.fuzz_summary import display_name
from lefi_contracts.results import CheckResult

EPIC = "LEFI Online"
_MIME_EXT = {
    "text/plain": "txt",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/markdown": "md",
    "text/html": "html",
    "image/svg+xml": "svg",
}


def history_id(result: CheckResult) -> str:
    """Stable per (phase, version, name): Allure shows re-runs as history, and versions never as retries."""
    key = f"{result.phase}\x1f{result.version or ''}\x1f{result.name}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()


def result_uuid(result: CheckResult, index: int) -> str:
    """Deterministic within a run (same stream -> same files), distinct for every record."""
    key = f"{history_id(result)}\x1f{index}\x1f{result.started}"
    return str(uuid_mod.UUID(hashlib.md5(key.encode("utf-8")).hexdigest()))


def _labels(result: CheckResult) -> list[dict[str, str]]:
    """Per version first (parentSuite), then the behaviour (suite) and the phase (subSuite): see behaviours."""
    pairs = [
        ("epic", EPIC),
        ("story", display_name(result)),
        *behaviour_labels(result),
        ("framework", "lefi-contracts"),
        ("language", "python"),
    ]
    if result.status == "waived":
        pairs.append(("tag", "waived"))
    return [{"name": n, "value": v} for n, v in pairs]


def _parameters(result: CheckResult) -> list[dict[str, str]]:
    params = {"version": result.version or "-", **result.parameters}
    return [{"name": k, "value": str(v)} for k, v in params.items()]


def allure_result(result: CheckResult, index: int, attachments: list[dict[str, str]]) -> dict[str, object]:
    """The JSON body of one `<uuid>-result.json` (Allure 2 model)."""
    start_ms = int(result.started * 1000)
    details: dict[str, str] = {}
    if result.message:
        details["message"] = result.message
    trace = "\n\n".join(
        x for x in (result.details, f"reproducer:\n{result.reproducer}" if result.reproducer else "") if x
    )
    if trace:
        details["trace"] = trace
    hid = history_id(result)
    links: list[dict[str, str]] = []
    status: str = "skipped" if result.status == "not verified" else result.status  # no such Allure status
    if result.status == "waived":
        status, details["message"] = "skipped", waived_message(result)
        links.append(waiver_link(result))
    return {
        "uuid": result_uuid(result, index),
        "historyId": hid,
        "testCaseId": hid,
        "fullName": f"{result.phase}.v{result.version or 'all'}.{result.name}",
        "name": f"{display_name(result)} [v{result.version}]" if result.version else display_name(result),
        "status": status,
        "statusDetails": details,
        "stage": "finished",
        "start": start_ms,
        "stop": start_ms + int(result.duration * 1000),
        "labels": _labels(result),
        "links": [*behaviour_links(result, behaviour_of(result)), *links],
        "parameters": _parameters(result),
        "attachments": attachments,
        "steps": [],
        "description": result.details if result.status == "passed" and result.details else "",
    }


WAIVED_LABEL = {"name": "tag", "value": "waived"}


def waived_message(result: CheckResult) -> str:
    """Allure has no "waived": such a result is skipped, with the waiver's reason as its message."""
    waiver = result.waiver or {}
    text = f"waived: {waiver.get('reason', '')} (expires {waiver.get('expires', '')})"
    return text + (f": {result.message}" if result.message else "")


def waiver_link(result: CheckResult) -> dict[str, str]:
    """The waiver's ticket, as an Allure issue link."""
    ref = str((result.waiver or {}).get("reference", ""))
    return {"type": "issue", "name": ref, "url": ref if "://" in ref else ""}


def mark_waived(path: Path, result: CheckResult) -> None:
    """Rewrite a result file another writer made (the scenarios') for a result a waiver accepted."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["status"] = "skipped"
    data["statusDetails"] = {**(data.get("statusDetails") or {}), "message": waived_message(result)}
    data["links"] = [*(data.get("links") or []), waiver_link(result)]
    data["labels"] = [*(data.get("labels") or []), WAIVED_LABEL]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_allure_results(results: Iterable[CheckResult], out_dir: Path) -> dict[int, str]:
    """Write one result file per record (and its attachments); returns {id(record): uuid} for deep links."""
    out_dir.mkdir(parents=True, exist_ok=True)
    uuids: dict[int, str] = {}
    for index, result in enumerate(results):
        attachments: list[dict[str, str]] = []
        extra = list(result.attachments)
        for n, att in enumerate(extra):
            ext = _MIME_EXT.get(att.mime, "txt")
            source = f"{result_uuid(result, index)}-{n}-attachment.{ext}"
            (out_dir / source).write_text(att.content, encoding="utf-8")
            attachments.append({"name": att.name, "source": source, "type": att.mime})
        body = allure_result(result, index, attachments)
        (out_dir / f"{body['uuid']}-result.json").write_text(
            json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        uuids[id(result)] = str(body["uuid"])
    return uuids


def write_environment(out_dir: Path, values: dict[str, str]) -> None:
    """environment.properties: the target, versions and tool version shown on the report's overview."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{k.replace(' ', '_')}={v}" for k, v in values.items()]
    (out_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")


# Failure kinds (report.behaviours.failure_kind, label "failureKind"): Allure 3 matches on the label; the first
# category that matches a result holds it.
def _category(name: str, matchers: dict[str, object]) -> dict[str, object]:
    return {"name": name, "matchers": matchers}


CATEGORIES: list[dict[str, object]] = [
    _category("Target unavailable or a phase could not run", {"statuses": ["broken"]}),
    *(
        _category(
            kind[0].upper() + kind[1:], {"statuses": ["failed"], "labels": {"failureKind": f"^{kind}$"}}
        )
        for kind in KINDS
    ),
]


def write_categories(out_dir: Path) -> None:
    """categories.json for Allure 2 (which cannot match labels): failed vs could not run."""
    cats = [
        {"name": "Check failures", "matchedStatuses": ["failed"]},
        {"name": "Could not run", "matchedStatuses": ["broken"]},
    ]
    (out_dir / "categories.json").write_text(json.dumps(cats, indent=1), encoding="utf-8")


def write_global_attachment(out_dir: Path, name: str, content: str, mime: str) -> Path:
    """A report-wide attachment (the matrix picture): Allure 3 shows `*-globals.json` attachments report-wide."""
    out_dir.mkdir(parents=True, exist_ok=True)
    key = hashlib.md5(name.encode("utf-8")).hexdigest()
    source = f"{key}-attachment.{_MIME_EXT.get(mime, 'txt')}"
    (out_dir / source).write_text(content, encoding="utf-8")
    body = {"attachments": [{"name": name, "source": source, "type": mime}], "errors": []}
    path = out_dir / f"{key}-globals.json"
    path.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
