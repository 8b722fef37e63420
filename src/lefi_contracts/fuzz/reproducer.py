"""Reproducers for fuzzing failures: what to run to see the failure again, and which check failed.

Choice (documented in the report): reports never hold a personnummer, so the request printed in a reproducer is
masked (19740702-****). The exact replay is the seed: a run is deterministic for a given seed, examples budget
and version list, so `lefi-contracts fuzz --seed S --versions V --examples N` sends the same requests again. The
embedded reference provider is gone after the run, so its replay names no port but the faults it ran with
(`--fault F`): the replay starts the same provider again.
Each reproducer therefore has two parts: the masked request (curl for REST, the exact SOAP envelope as a curl
with --data-binary for XML) to read, and the command that replays it byte for byte.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from lefi_contracts.personnummer import mask_text


def curl(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> str:
    """A curl command for the request, personnummer masked."""
    parts = ["curl", "-sS", "-X", method.upper(), shlex.quote(mask_text(url))]
    for key, value in headers.items():
        if key.lower() in ("content-length", "host", "user-agent", "accept-encoding", "connection"):
            continue
        parts += ["-H", shlex.quote(f"{key}: {value}")]
    if body:
        text = body.decode("utf-8", "replace")
        parts += ["--data-binary", shlex.quote(mask_text(text))]
    return " ".join(parts)


def replay_options(target: str | None, faults: frozenset[str] = frozenset()) -> str:
    """How a replay reaches the same provider: --target URL, or the embedded provider with the same faults."""
    if target:
        return f"--target {shlex.quote(target)}"
    return " ".join(f"--fault {shlex.quote(f)}" for f in sorted(faults))


def replay_command(seed: int, version: str, examples: int, options: str) -> str:
    where = f" {options}" if options else ""
    return f"lefi-contracts fuzz{where} --versions {version} --examples {examples} --seed {seed}"


def reproducer(
    *,
    check: str,
    message: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    status: int | None,
    seed: int,
    version: str,
    examples: int,
    replay: str,
) -> str:
    """The text printed under a failure: check, what it found, the masked request, the exact replay."""
    lines = [
        f"check: {check}",
        f"found: {mask_text(message)}",
        f"answer: HTTP {status}" if status is not None else "answer: none",
        "request (personnummer masked):",
        "  " + curl(method, url, headers, body),
        "replay exactly (deterministic seed):",
        "  " + replay_command(seed, version, examples, replay),
    ]
    return "\n".join(lines)
