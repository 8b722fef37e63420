"""`lefi-contracts query`: one hämtningsfråga from the command line, answered as masked JSON (for operations).

Every input is checked before anything is sent (version, personnummer, dates, group codes, TLS files), so a
typing mistake is one line and exit 2; an unreachable target is exit 3; a fault or a contract violation in the
answer is exit 1. The personnummer is never printed unmasked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from lefi_contracts import contracts
from lefi_contracts import personnummer as pnr
from lefi_contracts.client.transport import TlsConfig
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import UsageError


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UsageError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _codes(values: Sequence[str] | None) -> list[str]:
    """'FK:SJP,FK:BOB' and repeated options alike, upper-cased, duplicates dropped, order kept."""
    out: list[str] = []
    for value in values or ():
        for code in str(value).split(","):
            code = code.strip().upper()
            if code and code not in out:
                out.append(code)
    return out


def check_codes(v: VersionInfo, codes: list[str], option: str) -> None:
    """Reject codes the version does not know (the provider would answer 400: say it before sending)."""
    from lefi_contracts.codes import load_codes

    lists = load_codes()
    if option == "--ovrig":
        known = {g.kod for g in lists.ovrig_information if v.number in g.versions}
    else:
        only_fk = "FK" if option == "--groups" else None  # formansinformation carries FK groups only
        known = {g.kod for g in lists.groups_for_version(v.number, only_fk)}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UsageError(
            f"{option}: {', '.join(unknown)} not known in version {v.number} (known: {', '.join(sorted(known))})"
        )


def _default_actor(url: str, tls: TlsConfig) -> str:
    """The embedded provider's ombud (system vendor), which may ask for every group."""
    from lefi_contracts.catalogue import load_catalogue

    personas = load_catalogue(target=url, tls=tls)
    actor = (personas.get("system-vendor") or {}).get("aktorsId")
    if not actor:
        raise UsageError("give --aktor (the target's catalogue names no system-vendor actor)")
    return str(actor)


def run_query(
    *,
    version: str,
    personnummer: str,
    period_from: str,
    period_tom: str,
    groups: Sequence[str] = (),
    preliminara: Sequence[str] = (),
    utbetalningar: Sequence[str] = (),
    ovrig: Sequence[str] = (),
    aktor: str | None = None,
    anvandare: str | None = None,
    target: str | None = None,
    tls: TlsConfig | None = None,
    timeout: float = 30.0,
    registry: Registry | None = None,
) -> dict[str, Any]:
    """Send one query and return {version, http_status, ok, fault, violations, data}, personnummer masked."""
    from lefi_contracts.client import LefiClient, Query
    from lefi_contracts.target import target_or_embedded

    v = (registry or contracts.registry()).get(version)
    if not v.served:
        raise UsageError(f"version {v.number} is retired and not served")
    try:
        identity = pnr.parse(personnummer)
    except pnr.InvalidPersonnummer as exc:
        raise UsageError(f"--personnummer {pnr.mask_text(personnummer)!r} is not valid ({exc})") from None
    start, end = _date(period_from, "--from"), _date(period_tom, "--tom")
    if start > end:
        raise UsageError(f"--from {start} is after --tom {end}")
    lists = {
        "groups": _codes(groups),
        "preliminara": _codes(preliminara),
        "utbetalningar": _codes(utbetalningar),
        "ovrig": _codes(ovrig),
    }
    for option, codes in lists.items():
        check_codes(v, codes, f"--{option}")
    if not any(lists.values()):
        raise UsageError("ask for something: --groups, --preliminara, --utbetalningar or --ovrig")
    tls = tls or TlsConfig()
    if timeout <= 0:
        raise UsageError("--timeout must be positive")
    q = Query(
        identity.twelve,
        start,
        end,
        formansinformation=lists["groups"],
        preliminara_utbetalningar=lists["preliminara"],
        utbetalningar=lists["utbetalningar"],
        ovrig_information=lists["ovrig"],
        anvandare=anvandare,
    )
    with target_or_embedded(target) as (url, embedded):
        actor = aktor or (_default_actor(url, tls) if embedded else None)
        if not actor:
            raise UsageError("--aktor is required with --target")
        with LefiClient(url, v, aktors_id=actor, tls=tls, timeout=timeout) as client:
            resp = client.query(q)
            violations = [str(x) for x in resp.violations()]
    fault = resp.fault
    return {
        "version": v.number,
        "transport": v.transport,
        "http_status": resp.http_status,
        "ok": resp.ok and not violations,
        "fault": None if fault is None else {"code": fault.code, "message": pnr.mask_text(fault.message)},
        "violations": [pnr.mask_text(x) for x in violations],
        "data": _masked(resp.data),
    }


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _masked(x) for k, x in value.items()}
    if isinstance(value, list):
        return [_masked(x) for x in value]
    if isinstance(value, str):
        return pnr.mask_text(value)
    return value


def command_query(**kwargs: Any) -> tuple[str, int]:
    """`lefi-contracts query`: the masked JSON and exit 0 (answered, contract held) or 1 (fault or violation)."""
    result = run_query(**kwargs)
    return json.dumps(result, ensure_ascii=False, indent=2), 0 if result["ok"] else 1
