"""Is the target there? One cheap request a version, through the client's capped transport, and the wait for a
maintenance window to end. Runs before any phase: a target that is down is exit 3, never a pile of failures."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lefi_contracts.client.transport import GuardedTransport, TlsConfig
from lefi_contracts.contracts import VersionInfo
from lefi_contracts.errors import ResponseRejected, TargetUnavailable
from lefi_contracts.progress import Progress

PROBE_ACTOR = "lefi-contracts-probe"
PROBE_MAX_BYTES = 1_000_000  # a probe answer is a few hundred bytes; an endless body stops here


@dataclass
class Unavailable:
    version: str
    reason: str
    retry_after: float | None = None  # seconds from now, when the target said
    until: dt.datetime | None = None


def parse_retry_after(
    value: str | None, *, now: dt.datetime | None = None
) -> tuple[float | None, dt.datetime | None]:
    """Retry-After as (seconds from now, the instant it names): delta-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None, None
    now = now or dt.datetime.now(dt.UTC)
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
        return seconds, now + dt.timedelta(seconds=seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None, None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds()), when


def _soap_probe_body(v: VersionInfo) -> bytes:
    ns = v.namespace or ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<hamtaTillgangligaInformationstyper xmlns="{ns}"><aktorsId>{PROBE_ACTOR}</aktorsId>'
        "</hamtaTillgangligaInformationstyper></soap:Body></soap:Envelope>"
    ).encode()


def _no_answer_in_time(exc: ResponseRejected) -> bool:
    """The transport's deadline passed before a (tiny) probe answer was complete."""
    text = str(exc)
    # a status line came, then a slow or endless body: the target answered, badly (broken, not absent)
    return text.startswith(("no answer from", "no complete answer from")) and "body" not in text


def probe_version(transport: GuardedTransport, target: str, v: VersionInfo) -> Unavailable | str | None:
    """One cheap request: None when the version answers, Unavailable when it cannot, a str when it is not served
    or its answer cannot be read (too large, endless, broken HTTP): that is the target's fault, not absence."""
    base = target.rstrip("/") + v.base_path
    try:
        if v.transport == "rest":
            resp = transport.send(
                "GET",
                f"{base}/aktorer/{PROBE_ACTOR}/tillgangligaInformationstyper",
                headers={"Accept": "*/*"},
            )
        else:
            resp = transport.send(
                "POST",
                f"{base}/soap",
                body=_soap_probe_body(v),
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "SOAPAction": f'"{v.namespace}#hamtaTillgangligaInformationstyper"',
                },
            )
    except TargetUnavailable as exc:
        return Unavailable(v.number, f"version {v.number} unreachable: {exc}")
    except ResponseRejected as exc:
        if _no_answer_in_time(exc):  # a target that takes the connection and says nothing is not there
            return Unavailable(v.number, f"version {v.number} unreachable: {exc}")
        return f"version {v.number} at {base}: the probe's answer was refused: {exc}"
    if resp.status == 503:
        seconds, until = parse_retry_after(resp.headers.get("Retry-After"))
        return Unavailable(v.number, f"{base} answers 503 (maintenance window)", seconds, until)
    if resp.status == 404:
        return f"the target does not serve version {v.number} at {base} (HTTP 404)"
    return None


def probe(
    target: str, versions: Sequence[VersionInfo], *, timeout: float, tls: TlsConfig
) -> tuple[list[Unavailable], list[str]]:
    """(versions that cannot answer, versions whose answer is the target's fault)."""
    transport = GuardedTransport(timeout=timeout, max_response_bytes=PROBE_MAX_BYTES, tls=tls)
    try:
        down: list[Unavailable] = []
        missing: list[str] = []
        for v in versions:
            answer = probe_version(transport, target, v)
            if isinstance(answer, Unavailable):
                down.append(answer)
                if answer.retry_after is None:
                    break  # unreachable: the other versions share the host
            elif isinstance(answer, str):
                missing.append(answer)
        return down, missing
    finally:
        transport.close()


def _unavailable_message(down: list[Unavailable]) -> str:
    first = down[0]
    if first.until is not None:
        local = first.until.astimezone()
        return (
            f"in its maintenance window until {local.isoformat(timespec='seconds')} "
            f"(Retry-After {first.retry_after:.0f} s; versions {', '.join(d.version for d in down)}): "
            "not a contract failure"
        )
    return first.reason


def wait_until_available(
    target: str,
    versions: Sequence[VersionInfo],
    *,
    wait: float,
    timeout: float,
    tls: TlsConfig,
    progress: Progress,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Probe; within a maintenance window wait (at most `wait` s) for it to end. Raises TargetUnavailable."""
    deadline = time.monotonic() + wait
    while True:
        down, missing = probe(target, versions, timeout=timeout, tls=tls)
        if not down:
            return missing
        message = _unavailable_message(down)
        maintenance = [d for d in down if d.retry_after is not None]
        left = deadline - time.monotonic()
        if not maintenance or left <= 0:
            if maintenance and wait > 0:
                message += f"; still unavailable after waiting {wait:.0f} s"
            first = maintenance[0].retry_after if maintenance else None
            raise TargetUnavailable(message, retry_after=str(int(first)) if first is not None else None)
        needed = max(d.retry_after or 0.0 for d in maintenance)
        if needed > left:
            raise TargetUnavailable(
                f"{message}; the window ends beyond --wait {wait:.0f} s", retry_after=str(int(needed))
            )
        progress.line(f"target in its maintenance window: waiting {needed:.0f} s (--wait {wait:.0f})")
        sleep(min(left, max(0.5, needed)))
