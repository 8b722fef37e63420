"""Agreement with other tools' documented verdicts, on pairs built from their documentation (agreement/*.yaml).

Confluent's JSON Schema rules are BACKWARD rules for bare schemas: run with --mode backward. oasdiff's checks
are per operation: ERR must be breaking, WARN potentially breaking (or breaking), INFO compatible. A case with
`policy` is a deliberate difference; every other disagreement is a bug. Run: python -m tests.compat.agreement
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.compat import diff_versions

HERE = Path(__file__).resolve().parent / "agreement"


@dataclass
class Outcome:
    tool: str
    case: str
    expected: str
    worst: str
    agrees: bool
    policy: str | None


def _worst(report: Any) -> str:
    return report.worst() or "compatible"


def confluent(tmp: Path) -> list[Outcome]:
    out = []
    for c in yaml.safe_load((HERE / "confluent.yaml").read_text(encoding="utf-8"))["cases"]:
        paths = []
        for side in ("old", "new"):
            p = tmp / f"confluent-{c['rule']}-{side}.json"
            p.write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **c[side]}))
            paths.append(str(p))
        worst = _worst(diff_versions(*paths, mode="backward", reader="strict", samples=20))
        agrees = (worst == "compatible") == (c["expected"] == "compatible")
        out.append(Outcome("confluent", c["rule"], c["expected"], worst, agrees, c.get("policy")))
    return out


def _openapi(base: dict[str, Any], case: dict[str, Any], side: str) -> dict[str, Any]:
    def pick(key: str) -> Any:
        return copy.deepcopy(case.get(f"old_{key}", base[key]) if side == "old" else case.get(key, base[key]))

    request, response, parameter = pick("request"), pick("response"), pick("parameter")
    params = [parameter] if parameter else []
    if side == "new" and case.get("extra_parameter"):
        params.append(case["extra_parameter"])
    status = case.get("response_status", "200") if side == "new" else "200"
    content = {"application/json": {"schema": response}}
    if side == "old" and case.get("response_media"):
        content[case["response_media"]] = {"schema": {"type": "string"}}
    op = {
        "parameters": params,
        "requestBody": {
            "required": bool(case.get("request_required")) and side == "new",
            "content": {"application/json": {"schema": request}},
        },
        "responses": {status: {"description": "ok", "content": content}},
    }
    routes = case.get("paths", {}).get(side, ["/r"])
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {r: {"post": op} for r in routes},
    }


def oasdiff(tmp: Path) -> list[Outcome]:
    data = yaml.safe_load((HERE / "oasdiff.yaml").read_text(encoding="utf-8"))
    out = []
    for c in data["cases"]:
        paths = []
        for side in ("old", "new"):
            p = tmp / f"oasdiff-{c['check']}-{side}.json"
            p.write_text(json.dumps(_openapi(data["base"], c, side)))
            paths.append(str(p))
        worst = _worst(diff_versions(*paths, reader="tolerant", samples=20))
        want = {"ERR": {"breaking"}, "WARN": {"potentially breaking", "breaking"}, "INFO": {"compatible"}}[
            c["level"]
        ]
        out.append(Outcome("oasdiff", c["check"], c["level"], worst, worst in want, c.get("policy")))
    return out


def figures() -> dict[str, list[Outcome]]:
    with tempfile.TemporaryDirectory() as tmp:
        return {"confluent": confluent(Path(tmp)), "oasdiff": oasdiff(Path(tmp))}


def main() -> None:
    for tool, outcomes in figures().items():
        agree = sum(o.agrees for o in outcomes)
        print(f"{tool}: {agree}/{len(outcomes)} agree")
        for o in outcomes:
            if not o.agrees:
                print(
                    f"  differs: {o.case}: expected {o.expected}, lefi-contracts {o.worst}"
                    f" ({'policy: ' + o.policy if o.policy else 'UNEXPLAINED'})"
                )


if __name__ == "__main__":
    main()
