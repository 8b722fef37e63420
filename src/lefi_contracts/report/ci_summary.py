"""summary.md for a CI run page, where the summary's relative links (into the HTML report, the compat pages, the
matrix picture) would be dead: rewritten against where the reports are published (Pages), or, without Pages,
turned into plain text with one link to the uploaded artifact.

Run in a workflow: `python -m lefi_contracts.report.ci_summary reports/summary.md --base URL --artifact URL`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

# a Markdown link or image whose target is relative (no scheme, not an anchor, not absolute)
_RELATIVE = re.compile(r"(!?)\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s]+)\)", re.IGNORECASE)


def rewrite(markdown: str, *, base: str = "", artifact: str = "") -> str:
    """Relative links resolved against base; without a base, images dropped and links kept as their text."""
    base = base.rstrip("/")

    def fix(m: re.Match[str]) -> str:
        image, text, target = m.group(1), m.group(2), m.group(3)
        if base:
            return f"{image}[{text}]({base}/{target})"
        return "" if image else text

    out = _RELATIVE.sub(fix, markdown)
    if artifact:
        where = f"[published report]({base}/summary.html) · " if base else ""
        out = f"{where}[all reports (artifact)]({artifact})\n\n" + out
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("summary", type=Path)
    parser.add_argument("--base", default="", help="URL the reports folder is published at (Pages)")
    parser.add_argument("--artifact", default="", help="URL of the uploaded reports artifact")
    args = parser.parse_args(argv)
    try:
        text = args.summary.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"ci_summary: {args.summary}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    sys.stdout.write(rewrite(text, base=args.base, artifact=args.artifact))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
