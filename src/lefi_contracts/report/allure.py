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

from lefi_contracts.results import CheckResult

EPIC = "LEFI Online"
_MIME_EXT = {
    "text/plain": "txt",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/markdown": "md",
    "text/html": "html",
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
    version = f"v{result.version}" if result.version else "all versions"
    labels = [
        ("epic", EPIC),
        ("feature", result.behaviour or result.phase),
        ("story", result.name),
        ("parentSuite", version),
        ("suite", result.phase),
        ("subSuite", result.behaviour or result.phase),
        ("tag", result.phase),
        ("framework", "lefi-contracts"),
        ("language", "python"),
    ]
    if result.version:
        labels.append(("tag", version))
    if result.status == "waived":
        labels.append(("tag", "waived"))
    return [{"name": n, "value": v} for n, v in labels]


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
    status: str = result.status
    if result.status == "waived" and result.waiver:
        # Allure has no "waived": skipped, with the waiver's reason and its ticket as a link
        status = "skipped"
        details["message"] = f"waived: {result.waiver['reason']} (expires {result.waiver['expires']})" + (
            f": {result.message}" if result.message else ""
        )
        ref = str(result.waiver["reference"])
        links.append({"type": "issue", "name": ref, "url": ref if "://" in ref else ""})
    return {
        "uuid": result_uuid(result, index),
        "historyId": hid,
        "testCaseId": hid,
        "fullName": f"{result.phase}.v{result.version or 'all'}.{result.name}",
        "name": f"{result.name} [v{result.version}]" if result.version else result.name,
        "status": status,
        "statusDetails": details,
        "links": links,
        "stage": "finished",
        "start": start_ms,
        "stop": start_ms + int(result.duration * 1000),
        "labels": _labels(result),
        "parameters": _parameters(result),
        "attachments": attachments,
        "steps": [],
        "description": result.details if result.status == "passed" and result.details else "",
    }


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


def write_categories(out_dir: Path) -> None:
    """Categories group failures by phase in the report's Categories tab."""
    cats = [
        {"name": "Check failures", "matchedStatuses": ["failed"]},
        {"name": "Could not run", "matchedStatuses": ["broken"]},
    ]
    (out_dir / "categories.json").write_text(json.dumps(cats, indent=1), encoding="utf-8")
