"""Bad input to our own commands: each kind gives ONE clear line on stderr, exit 2 (3: unreachable), no traceback.

Every row runs the real command in a subprocess (`python -m lefi_contracts.cli`), the way a person in a hurry
would type it. Rows are independent and run in a thread pool so the table stays fast.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from lefi_contracts.contracts import default_contracts_dir

CONTRACTS = default_contracts_dir()
PNR_OK = "197310234302"  # a synthetic number of the reference data set (valid Luhn and date)
PNR_BAD = "197310234303"  # same, wrong check digit


@dataclass(frozen=True)
class Case:
    kind: str
    args: Callable[[dict[str, str]], list[str]]
    exit_code: int = 2
    says: str = ""  # a word the one line must contain (case-insensitive)


def _query(*extra: str, version: str = "8", pnr: str = PNR_OK, dates: tuple[str, str] = ("2024-01-01", "2024-12-31")) -> list[str]:  # fmt: skip
    return [
        "query",
        "--version",
        version,
        "--personnummer",
        pnr,
        "--from",
        dates[0],
        "--tom",
        dates[1],
        *extra,
    ]


CASES = [
    Case("unknown version (query)", lambda f: _query("--groups", "FK:SJP", version="42"), says="version"),
    Case("unknown version (diff)", lambda f: ["diff", "4", "9"], says="4"),
    Case("bad --versions (fuzz)", lambda f: ["fuzz", "--versions", "8,x9", "--examples", "1"], says="x9"),
    Case(
        "bad --versions (gate)",
        lambda f: ["gate", "--versions", "77", "--reports", f["tmp"] + "/r1"],
        says="77",
    ),
    Case(
        "malformed XSD",
        lambda f: ["diff", f["bad_xsd"], str(CONTRACTS / "v8/lefi-online-v8.xsd")],
        says="bad.xsd",
    ),
    Case("malformed OpenAPI (YAML)", lambda f: ["diff", f["bad_openapi"], "9"], says="openapi"),
    Case("OpenAPI of the wrong shape", lambda f: ["diff", f["hollow_openapi"], "9"], says="malformed"),
    Case("OpenAPI with a dangling $ref", lambda f: ["diff", f["dangling_openapi"], "9"], says="$ref"),
    Case(
        "malformed mapping file",
        lambda f: ["diff", "8", "9", "--mapping", f["hollow_openapi"]],
        says="operations",
    ),
    Case(
        "registry entry without behaviour",
        lambda f: ["versions", "--contracts", f["thin_registry"]],
        says="behaviour",
    ),
    Case(
        "bad URL (gate)",
        lambda f: ["gate", "--target", "ftp://x", "--versions", "9", "--reports", f["tmp"] + "/r2"],
        says="url",
    ),
    Case("missing contract file", lambda f: ["diff", f["tmp"] + "/nope.xsd", "8"], says="nope.xsd"),
    Case("diff of a non-schema file", lambda f: ["diff", f["text_file"], "9"], says="notes.txt"),
    Case(
        "malformed waivers file", lambda f: ["diff", "8", "9", "--waivers", f["bad_waivers"]], says="waiver"
    ),
    Case(
        "waiver with a bad date",
        lambda f: ["diff", "8", "9", "--waivers", f["bad_waiver_date"]],
        says="expires",
    ),
    Case(
        "missing contracts folder",
        lambda f: ["versions", "--contracts", f["tmp"] + "/nothing"],
        says="registry",
    ),
    Case("malformed versions.yaml", lambda f: ["versions", "--contracts", f["bad_registry"]], says="yaml"),
    Case("bad consumer contract", lambda f: ["verify-consumer", f["bad_consumer"]], says="consumer"),
    Case("missing consumer file", lambda f: ["verify-consumer", f["tmp"] + "/ghost.yaml"], says="ghost.yaml"),
    Case(
        "unreachable target (query)",
        lambda f: _query("--groups", "FK:SJP", "--aktor", "a", "--target", f["dead_url"]),
        3,
        "cannot reach",
    ),
    Case(
        "unreachable target (verify-consumer)",
        lambda f: [
            "verify-consumer",
            str(CONTRACTS / "consumers/insurer-v8.yaml"),
            "--target",
            f["dead_url"],
        ],
        3,
        "cannot",
    ),
    Case(
        "bad URL scheme",
        lambda f: _query("--groups", "FK:SJP", "--aktor", "a", "--target", "ftp://example.test"),
        says="url",
    ),
    Case(
        "bad URL (no host)",
        lambda f: _query("--groups", "FK:SJP", "--aktor", "a", "--target", "http://"),
        says="url",
    ),
    Case(
        "port in use",
        lambda f: ["serve", "--port", f["busy_port"], "--db", f["tmp"] + "/p.sqlite"],
        says="listen",
    ),
    Case(
        "unwritable reports folder",
        lambda f: ["fuzz", "--versions", "9", "--examples", "1", "--reports", f["text_file"] + "/reports"],
        says="notes.txt",
    ),
    Case("invalid seed (text)", lambda f: ["fuzz", "--seed", "abc"], says="seed"),
    Case("invalid seed (negative)", lambda f: ["serve", "--seed", "-3"], says="seed"),
    Case("invalid --examples", lambda f: ["gate", "--examples", "many"], says="examples"),
    Case(
        "bad personnummer (check digit)",
        lambda f: _query("--groups", "FK:SJP", pnr=PNR_BAD),
        says="personnummer",
    ),
    Case(
        "bad personnummer (shape)", lambda f: _query("--groups", "FK:SJP", pnr="12345"), says="personnummer"
    ),
    Case(
        "bad date", lambda f: _query("--groups", "FK:SJP", dates=("2024-13-01", "2024-12-31")), says="--from"
    ),
    Case(
        "period the wrong way round",
        lambda f: _query("--groups", "FK:SJP", dates=("2024-12-31", "2024-01-01")),
        says="after",
    ),
    Case(
        "group unknown in that version", lambda f: _query("--groups", "FK:FSJP", version="7"), says="FK:FSJP"
    ),
    Case("nothing asked for", lambda f: _query(), says="ask for"),
    Case(
        "unknown fault",
        lambda f: ["serve", "--fault", "no-such-fault", "--db", f["tmp"] + "/f.sqlite"],
        says="no-such-fault",
    ),
    Case(
        "bad --now",
        lambda f: ["serve", "--now", "yesterday", "--db", f["tmp"] + "/n.sqlite"],
        says="yesterday",
    ),
    Case(
        "TLS file missing (query)",
        lambda f: _query("--groups", "FK:SJP", "--cert", f["tmp"] + "/c.pem", "--key", f["tmp"] + "/k.pem"),
        says="c.pem",
    ),
    Case(
        "--cert without --key", lambda f: _query("--groups", "FK:SJP", "--cert", f["text_file"]), says="--key"
    ),
    Case(
        "TLS file missing (serve)", lambda f: ["serve", "--tls-cert", f["tmp"] + "/gone.pem"], says="gone.pem"
    ),
    Case(
        "TLS file that is no certificate",
        lambda f: ["serve", "--tls-cert", f["text_file"], "--port", "0", "--db", f["tmp"] + "/t.sqlite"],
        says="tls",
    ),
    Case(
        "--client-ca without --tls-cert",
        lambda f: ["serve", "--client-ca", f["text_file"]],
        says="--tls-cert",
    ),
    Case("CA bundle that is no certificate", lambda f: ["fuzz", "--ca", f["text_file"]], says="CA bundle"),
    Case(
        "missing fixture catalogue",
        lambda f: ["gate", "--fixtures", "no-such-catalogue.yaml"],
        says="catalogue",
    ),
    Case("unknown command", lambda f: ["deploy-everything"], says="invalid choice"),
    Case("missing argument", lambda f: ["diff", "8"], says="new"),
    Case("bad --timeout", lambda f: _query("--groups", "FK:SJP", "--timeout", "0"), says="timeout"),
]


def _free_port_listener() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("bad-input")
    (tmp / "bad.xsd").write_text(
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element", "utf-8"
    )
    (tmp / "openapi-bad.yaml").write_text("openapi: 3.0.3\npaths: {\n  - [unclosed\n", "utf-8")
    (tmp / "hollow-openapi.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: [1, 2]\n", "utf-8"
    )
    (tmp / "dangling-openapi.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n      requestBody: {content: "
        "{application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}\n"
        "      responses: {'200': {description: ok}}\n",
        "utf-8",
    )
    (tmp / "thin-registry").mkdir()
    (tmp / "thin-registry" / "versions.yaml").write_text(
        "versions:\n  '8': {transport: soap, status: active, base_path: /lefi-online/v8}\n", "utf-8"
    )
    (tmp / "notes.txt").write_text("just some notes, no schema here\n", "utf-8")
    (tmp / "waivers.yaml").write_text("waivers:\n  - rule: [unclosed\n", "utf-8")
    (tmp / "waiver-date.yaml").write_text(
        "waivers:\n  - {rule: '*', path: /x, reason: r, reference: JIRA-1, expires: someday}\n", "utf-8"
    )
    (tmp / "registry").mkdir()
    (tmp / "registry" / "versions.yaml").write_text("versions: [this is: not: valid\n", "utf-8")
    (tmp / "consumer.yaml").write_text("consumer: X\nversion: '42'\nreads: 17\n", "utf-8")
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()  # nothing listens there now
    busy = _free_port_listener()
    try:
        yield {
            "tmp": str(tmp),
            "bad_xsd": str(tmp / "bad.xsd"),
            "bad_openapi": str(tmp / "openapi-bad.yaml"),
            "hollow_openapi": str(tmp / "hollow-openapi.yaml"),
            "dangling_openapi": str(tmp / "dangling-openapi.yaml"),
            "thin_registry": str(tmp / "thin-registry"),
            "text_file": str(tmp / "notes.txt"),
            "bad_waivers": str(tmp / "waivers.yaml"),
            "bad_waiver_date": str(tmp / "waiver-date.yaml"),
            "bad_registry": str(tmp / "registry"),
            "bad_consumer": str(tmp / "consumer.yaml"),
            "dead_url": f"http://127.0.0.1:{dead_port}",
            "busy_port": str(busy.getsockname()[1]),
        }
    finally:
        busy.close()


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "lefi_contracts.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def outcomes(files: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        runs = {c.kind: pool.submit(_run, c.args(files)) for c in CASES}
        return {kind: f.result() for kind, f in runs.items()}


def test_at_least_twenty_kinds() -> None:
    assert len({c.kind for c in CASES}) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.kind for c in CASES])
def test_bad_input_gives_one_clear_line(
    case: Case, outcomes: dict[str, subprocess.CompletedProcess[str]], files: dict[str, str]
) -> None:
    run = outcomes[case.kind]
    err = run.stderr.strip()
    shown = f"args={case.args(files)} rc={run.returncode} stderr={err[-800:]!r}"
    assert "Traceback" not in run.stderr, shown
    assert run.returncode == case.exit_code, shown
    lines = err.splitlines()
    assert len(lines) == 1, shown
    assert lines[0].startswith("lefi-contracts"), shown
    assert case.says.lower() in lines[0].lower(), shown
    assert PNR_BAD not in run.stderr + run.stdout and PNR_OK not in run.stderr + run.stdout, (
        "personnummer leaked"
    )
