"""The review of a contracts pull request, as Markdown for a comment: what changed in each version's contract
(`diff`, base -> head) and whether any consumer breaks (`can-i-deploy` on the head tree).

Run in CI with the base branch's contracts checked out beside the head's:
`python -m lefi_contracts.report.contract_review --base base/contracts --head contracts --out review.md`.
Exit code as everywhere: 0 nothing breaks, 1 a breaking change or a consumer broken, 2 the input is unusable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from lefi_contracts.errors import LefiContractsError

MAX_COMMENT = 60_000  # GitHub refuses comments over 65 536 characters; the artifact keeps the whole review
_PRIMARY = ("*.wsdl", "openapi.yaml", "openapi.yml", "openapi.json")


def primary_document(folder: Path) -> Path | None:
    """The document a version's diff starts from: its WSDL (which imports the XSD), else its OpenAPI."""
    for pattern in _PRIMARY:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


def _files(folder: Path) -> dict[str, bytes]:
    return (
        {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}
    )


def changed_versions(base: Path, head: Path) -> list[tuple[str, Path | None, Path]]:
    """(version folder, base document or None when new, head document) for every folder whose files changed."""
    out = []
    for folder in sorted(p for p in head.iterdir() if p.is_dir()):
        doc = primary_document(folder)
        if doc is None:
            continue  # codes, consumers, fixtures: not a version's contract
        old_folder = base / folder.name
        if _files(old_folder) == _files(folder):
            continue
        out.append((folder.name, primary_document(old_folder), doc))
    return out


def review(base: Path, head: Path) -> tuple[str, int]:
    from lefi_contracts.compat import diff_versions
    from lefi_contracts.compat.report import render
    from lefi_contracts.consumers import command_can_i_deploy

    code = 0
    lines = ["# Contract review", ""]
    changed = changed_versions(base, head)
    lines += ["## What changed", ""]
    if not changed:
        lines += ["No version's contract changed.", ""]
    for name, old, new in changed:
        if old is None:
            lines += [f"### {name}: new", "", f"`{new.name}` has no earlier contract to compare with.", ""]
            continue
        try:
            report = diff_versions(str(old), str(new))
        except LefiContractsError as exc:
            lines += [f"### {name}", "", f"The diff could not run: {exc}", ""]
            code = max(code, 2)
            continue
        text = render([report], "markdown")
        code = max(code, int(report.meets("breaking")))
        lines += [f"### {name}", "", text.strip(), ""]
    lines += ["## Consumers (can-i-deploy)", ""]
    try:
        text, deploy_code = command_can_i_deploy(contracts_dir=head)
    except LefiContractsError as exc:
        text, deploy_code = f"can-i-deploy could not run: {exc}", 2
    code = max(code, deploy_code)
    lines += ["```", text.strip(), "```", ""]
    verdict = {0: "nothing breaks", 1: "something breaks", 2: "the review could not run"}[code]
    lines.insert(2, f"**{verdict}** (exit code {code})\n")
    return "\n".join(lines), code


def for_comment(text: str, limit: int = MAX_COMMENT) -> str:
    """The review cut to what a comment may hold (the breaking rows come first in each diff's table)."""
    if len(text) <= limit:
        return text
    return (
        text[:limit].rsplit("\n", 1)[0] + "\n\n… cut to fit a comment: the whole review is in the artifact.\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the base branch's contracts folder")
    parser.add_argument("--head", type=Path, required=True, help="the pull request's contracts folder")
    parser.add_argument("--out", type=Path, help="write the Markdown here (default: stdout)")
    parser.add_argument("--comment", type=Path, help="also write it cut to a comment's size here")
    args = parser.parse_args(argv)
    for name, folder in (("--base", args.base), ("--head", args.head)):
        if not folder.is_dir():
            print(f"contract_review: {name} {folder}: no such folder", file=sys.stderr)
            return 2
    text, code = review(args.base, args.head)
    if args.comment:
        args.comment.write_text(for_comment(text), encoding="utf-8")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
