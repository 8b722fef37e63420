"""The last line of defence: scan every file a run wrote for an unmasked personnummer or samordningsnummer.

Masking happens at the source (CheckResult masks itself); this scan proves it held for every writer, including
the ones we do not control (allure-pytest-bdd, schemathesis, Allure 3's generator).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lefi_contracts.personnummer import contains_identity_number

_DATA_URL = re.compile(r"data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)")
# Allure 3's single file keeps every data file (results, attachments) as d("name","<base64>").
_ALLURE_DATA = re.compile(r'd\("[^"]{1,300}","([A-Za-z0-9+/=]+)"\)')
# Ids (UUIDs, md5/sha hex digests) hold digit runs that can look like a birth date; no identity number has a letter.
_IDS = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|\b(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}\b"
)


@dataclass(frozen=True)
class Leak:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: unmasked personnummer"


def _texts(path: Path) -> list[str]:
    """The file's text, plus the decoded base64 data URLs an HTML report hides its data in."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix.lower() not in (".html", ".htm"):
        return [text]
    decoded = []
    for pattern in (_DATA_URL, _ALLURE_DATA):
        for m in pattern.finditer(text):
            try:
                decoded.append(base64.b64decode(m.group(1)).decode("utf-8", errors="replace"))
            except ValueError:
                continue
    return [_ALLURE_DATA.sub("d()", _DATA_URL.sub("data:", text)), *decoded]


def line_has_identity_number(line: str, ours: Sequence[str] = ()) -> bool:
    """True when the line holds an unmasked identity number. Ids and hex digests are not people, nor are the
    texts the run wrote itself (`ours`: e.g. "fuzzing seed 1701615801 ..."), blanked out only where they occur
    whole: the same digits anywhere else (a response, an attachment) are still scanned."""
    for text in ours:
        if text in line:
            line = line.replace(text, "<ours>")
    return contains_identity_number(_IDS.sub("<id>", line))


def scan_for_identity_numbers(
    root: Path, *, skip_vendor_code: bool = True, ours: Sequence[str] = ()
) -> list[Leak]:
    """Every file under root holding an unmasked identity number (one Leak per offending line)."""
    leaks: list[Leak] = []
    if not root.exists():
        return leaks
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for text in _texts(path):
            if skip_vendor_code and _is_vendor_code(text):
                continue
            for n, line in enumerate(text.splitlines(), 1):
                if line_has_identity_number(line, ours):
                    leaks.append(Leak(path, n))
    return leaks


def _is_vendor_code(text: str) -> bool:
    """Allure's bundled JavaScript/CSS (not data): minified libraries hold long digit runs that are not people."""
    head = text[:2000]
    return head.startswith(("!function", "(()=>", "/*!", "(function")) or "webpackChunk" in head


_TEXT_SUFFIXES = {
    ".json",
    ".txt",
    ".xml",
    ".html",
    ".htm",
    ".md",
    ".csv",
    ".log",
    ".yaml",
    ".yml",
    ".properties",
}


def mask_outside_ids(text: str) -> str:
    """Mask identity numbers, leaving uuids and hex digests whole (a historyId is not a person, and a masked one
    no longer links a result to its history): the same rule the scan applies (`_IDS`)."""
    from lefi_contracts.personnummer import mask_text

    out, last = [], 0
    for m in _IDS.finditer(text):
        out += [mask_text(text[last : m.start()]), m.group(0)]
        last = m.end()
    out.append(mask_text(text[last:]))
    return "".join(out)


def _mask_json(value: object) -> object:
    if isinstance(value, str):
        return mask_outside_ids(value)
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_json(v) for k, v in value.items()}
    return value


def mask_files(root: Path) -> int:
    """Mask identity numbers in files written by tools we do not control (allure-pytest-bdd records step
    arguments verbatim); returns how many files changed. JSON is masked value by value so it stays JSON."""
    import json

    changed = 0
    if not root.is_dir():
        return 0
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix.lower() not in _TEXT_SUFFIXES:
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if not contains_identity_number(raw):
            continue
        if path.suffix.lower() == ".json":
            try:
                text = json.dumps(_mask_json(json.loads(raw)), ensure_ascii=False)
            except ValueError:
                text = mask_outside_ids(raw)
        else:
            text = mask_outside_ids(raw)
        if text != raw:
            path.write_text(text, encoding="utf-8")
            changed += 1
    return changed
