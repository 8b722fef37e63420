"""The single-file Allure 3 HTML report: one index.html that opens from disk (a CI artifact, an e-mail).

Allure 3 is a Node package from npm; our set-up installs it into <project>/.tools (never globally). Where Node or
npm is missing the gate says so once and still writes every other report. Allure 3's "awesome" page hard-codes a
Google Tag Manager script: we strip it so the report never calls home.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ALLURE_PACKAGE = "allure@3.18.0"
ALLURE_ENV = "LEFI_ALLURE"  # path to an `allure` (3.x) executable, overrides the project-local one

_GTM_TAG = re.compile(r"<script[^>]*googletagmanager\.com[^>]*>\s*</script>\s*", re.IGNORECASE)
_GTAG_INLINE = re.compile(r"<script>\s*window\.dataLayer\s*=.*?</script>\s*", re.IGNORECASE | re.DOTALL)


def project_root() -> Path:
    """The checkout that holds pyproject.toml (the editable install), else the working directory."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "lefi_contracts").is_dir():
            return parent
    return Path.cwd()


def tools_dir() -> Path:
    from lefi_contracts.resources import tools_dir as resolved

    return resolved()


@dataclass
class HtmlReport:
    path: Path | None
    note: str | None = None
    seconds: float = 0.0


def find_allure() -> Path | None:
    env = os.environ.get(ALLURE_ENV)
    if env:
        return Path(env) if Path(env).is_file() else None
    local = tools_dir() / "node_modules" / ".bin" / ("allure.cmd" if os.name == "nt" else "allure")
    return local if local.is_file() else None


def install_allure(timeout: float = 300.0) -> tuple[Path | None, str | None]:
    """`npm install --prefix .tools allure@3` once; returns (executable, note when it cannot be had)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "Node.js/npm not found: the HTML report was not built (every other report was written)"
    tools = tools_dir()
    tools.mkdir(parents=True, exist_ok=True)
    # The project pins Allure in .tools/package.json + package-lock.json: `npm ci` installs exactly that.
    pinned = (tools / "package-lock.json").is_file()
    cmd = ["npm", "ci"] if pinned else ["npm", "install"]
    cmd += ["--prefix", str(tools), "--no-audit", "--no-fund", "--silent"] + (
        [] if pinned else [ALLURE_PACKAGE]
    )
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"npm install {ALLURE_PACKAGE} failed ({exc.__class__.__name__}): HTML report not built"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"npm install {ALLURE_PACKAGE} failed ({last}): HTML report not built"
    return find_allure(), None


def ensure_allure(*, install: bool = True) -> tuple[Path | None, str | None]:
    found = find_allure()
    if found is not None:
        return found, None
    if os.environ.get(ALLURE_ENV):
        return None, f"{ALLURE_ENV}={os.environ[ALLURE_ENV]} is not a file: HTML report not built"
    if not install:
        return None, "Allure 3 is not installed (npm install --prefix .tools allure@3): HTML report not built"
    return install_allure()


def strip_tracking(html: str) -> str:
    """Remove the Google Tag Manager loader and its inline gtag() set-up."""
    return _GTAG_INLINE.sub("", _GTM_TAG.sub("", html))


def allure3_id(uuid: str) -> str:
    """Allure 3 names a result md5(uuid) and routes to it as index.html#/<id>."""
    return hashlib.md5(uuid.encode("utf-8")).hexdigest()


def result_link(report_href: str, uuid: str) -> str:
    return f"{report_href}#/{allure3_id(uuid)}"


HISTORY_FILE = "history/allure-history.jsonl"  # under the reports folder: CI keeps it from run to run
HISTORY_LIMIT = 30
TREE = ["parentSuite", "suite", "subSuite"]  # version, behaviour, phase (report.behaviours.labels)


def history_file(report_dir: Path) -> Path:
    """Where a report's history lives: beside the report, in a folder the gate never clears."""
    return report_dir.resolve().parent / HISTORY_FILE


def allure_config(name: str, report_dir: Path, history: Path | None) -> dict[str, object]:
    """The Allure 3 configuration: single file, the tree per version, history and the failure categories."""
    from lefi_contracts.report.allure import CATEGORIES

    options = {"singleFile": True, "reportName": name, "reportLanguage": "en", "groupBy": TREE}
    config: dict[str, object] = {
        "name": name,
        "output": str(report_dir),
        "plugins": {"awesome": {"options": options}},
        "categories": {"rules": CATEGORIES},
    }
    if history is not None:
        config.update(historyPath=str(history), historyLimit=HISTORY_LIMIT, appendHistory=True)
    return config


def build_html_report(
    results_dir: Path,
    report_dir: Path,
    *,
    name: str = "LEFI Online release gate",
    install: bool = True,
    history: Path | bool | None = True,
) -> HtmlReport:
    """Generate report_dir/index.html (single file) from results_dir; never raises for a missing tool.

    history: True keeps the run in history_file(report_dir) (trend graphs across runs), a Path keeps it there,
    False or None keeps none."""
    started = time.perf_counter()
    results_dir, report_dir = results_dir.resolve(), report_dir.resolve()  # allure runs in a temporary cwd
    history_path: Path | None = None
    if history is True:
        history_path = history_file(report_dir)
    elif isinstance(history, Path):
        history_path = history.resolve()
    if history_path is not None:
        history_path.parent.mkdir(parents=True, exist_ok=True)
    exe, note = ensure_allure(install=install)
    if exe is None:
        return HtmlReport(None, note, time.perf_counter() - started)
    if report_dir.exists():
        shutil.rmtree(report_dir)
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lefi-allure-") as tmp:
        config = Path(tmp) / "allurerc.mjs"
        body = allure_config(name, report_dir, history_path)
        config.write_text("export default " + json.dumps(body, ensure_ascii=False) + ";\n", encoding="utf-8")
        try:
            proc = subprocess.run(
                [str(exe), "generate", str(results_dir), "-c", str(config)],
                capture_output=True,
                text=True,
                timeout=300,
                cwd=tmp,
                env={**os.environ, "ALLURE_NO_ANALYTICS": "true"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return HtmlReport(
                None, f"allure generate failed ({exc.__class__.__name__})", time.perf_counter() - started
            )
    index = report_dir / "index.html"
    if proc.returncode != 0 or not index.is_file():
        last = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"])[-1]
        return HtmlReport(None, f"allure generate failed: {last}", time.perf_counter() - started)
    index.write_text(strip_tracking(index.read_text(encoding="utf-8")), encoding="utf-8")
    return HtmlReport(index, None, time.perf_counter() - started)
