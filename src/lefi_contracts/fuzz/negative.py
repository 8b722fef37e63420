"""Negative fuzzing: invalid queries must be refused with the contract's error, never a 500, never answered.

Each example starts from a valid query of a known actor (so that the only thing wrong is what we broke) and
breaks exactly one rule: a bad personnummer (check digit, impossible date, wrong length, letters), a reversed
period, a period over two years, an unknown group code (including a code of a later version, e.g. FK:FSJP in 5-7),
or no group at all. REST must answer 400 with a LefiFelsvar; SOAP a soap:Client fault with fel/kod
FELAKTIGA_INDATA. SOAP requests are broken after encoding (the XSD would refuse to encode them), in place, so the
rest of the document stays in the XSD's order.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from lefi_contracts.client.transport import GuardedTransport
from lefi_contracts.contracts import Registry, VersionInfo
from lefi_contracts.errors import TargetUnavailable
from lefi_contracts.fuzz.checks import Exchange, run_checks
from lefi_contracts.fuzz.hints import FuzzHints
from lefi_contracts.fuzz.soap import SoapVersionFuzzer, envelope, post

KINDS = ("personnummer-luhn", "personnummer-date", "personnummer-length", "personnummer-letters",
         "period-reversed", "period-over-two-years", "unknown-code", "later-version-code", "no-group")  # fmt: skip


def later_codes(version: VersionInfo, reg: Registry) -> list[str]:
    """Group codes that exist in some served version but not in this one (FK:FSJP for 5-7, FK:PJOB for 5...)."""
    mine = set(version.behaviour.formansgrupper)
    return sorted(
        {c for v in reg.served() for c in v.behaviour.formansgrupper if c not in mine and c.startswith("FK:")}
    )


@st.composite
def broken_queries(
    draw: st.DrawFn, version: VersionInfo, hints: FuzzHints, reg: Registry
) -> tuple[str, dict[str, Any]]:
    """(what was broken, the query in the v9 JSON shape plus aktorsId)."""
    persons = hints.persons or ("195001010001",)
    pnr = draw(st.sampled_from(persons))
    start = draw(st.dates(dt.date(2019, 1, 1), dt.date(2025, 6, 30)))
    length = draw(st.integers(0, 600))
    groups = draw(
        st.lists(st.sampled_from(version.behaviour.formansgrupper), min_size=1, max_size=3, unique=True)
    )
    query: dict[str, Any] = {
        "aktorsId": draw(st.sampled_from(hints.actors)) if hints.actors else "okand-aktor",
        "personnummer": pnr,
        "period": {"from": start.isoformat(), "tom": (start + dt.timedelta(days=length)).isoformat()},
        "formansinformation": groups,
    }
    choices = [k for k in KINDS if k != "later-version-code" or later_codes(version, reg)]
    kind = draw(st.sampled_from(choices))
    if kind == "personnummer-luhn":
        query["personnummer"] = pnr[:-1] + str((int(pnr[-1]) + draw(st.integers(1, 9))) % 10)
    elif kind == "personnummer-date":
        query["personnummer"] = pnr[:4] + draw(st.sampled_from(["13", "00", "19"])) + "32" + pnr[8:]
    elif kind == "personnummer-length":
        query["personnummer"] = pnr[: draw(st.sampled_from([8, 9, 11]))]
    elif kind == "personnummer-letters":
        query["personnummer"] = pnr[:-2] + "AB"
    elif kind == "period-reversed":
        query["period"] = {
            "from": (start + dt.timedelta(days=length + 1)).isoformat(),
            "tom": start.isoformat(),
        }
    elif kind == "period-over-two-years":
        over = draw(st.integers(30, 2000))
        query["period"]["tom"] = (start + dt.timedelta(days=731 + over)).isoformat()
    elif kind == "unknown-code":
        query["formansinformation"] = [
            *groups,
            draw(st.sampled_from(["FK:XYZ", "FK:", "PM:NOPE", "SJP", "fk:sjp"])),
        ]
    elif kind == "later-version-code":
        query["formansinformation"] = [*groups, draw(st.sampled_from(later_codes(version, reg)))]
    elif kind == "no-group":
        del query["formansinformation"]
    return kind, query


def expected_refusal(ex: Exchange, strict_code: bool) -> list[str]:
    """The contract's refusal: REST 400 + LefiFelsvar; SOAP soap:Client fault FELAKTIGA_INDATA."""
    if ex.version.transport == "rest":
        if ex.status != 400:
            return [f"expected 400 with LefiFelsvar, got HTTP {ex.status}"]
        try:
            body = json.loads(ex.body or b"null")
        except ValueError:
            return ["400 without a JSON LefiFelsvar body"]
        if not isinstance(body, dict) or not isinstance(body.get("meddelande"), str):
            return ["400 body is not a LefiFelsvar {meddelande, timestamp}"]
        return []
    if ex.fault_side != "client":
        return [f"expected a soap:Client fault, got {ex.fault_side or 'no'} fault (HTTP {ex.status})"]
    if strict_code and ex.fault_code != "FELAKTIGA_INDATA":
        return [f"expected fel/kod FELAKTIGA_INDATA, got {ex.fault_code}"]
    return []


def send_rest(
    client: GuardedTransport, base_url: str, version: VersionInfo, query: dict[str, Any]
) -> tuple[Exchange, str, bytes]:
    body = {k: v for k, v in query.items() if k != "aktorsId"}
    url = f"{base_url.rstrip('/')}{version.base_path}/aktorer/{query['aktorsId']}/formansinformation/fraga"
    raw = json.dumps(body).encode()
    status, content, headers = post(client, url, raw, {"Content-Type": "application/json"})
    ex = Exchange(version, "hamtaFormansinformation", dict(query), status, content, headers)
    if status == 503:
        raise TargetUnavailable(
            f"v{version.number} is in a maintenance window",
            retry_after={k.lower(): v for k, v in headers.items()}.get("retry-after"),
        )
    if status >= 400 or status == 0:
        ex.fault_code = f"HTTP-{status}"
    return ex, url, raw


def soap_broken_body(fuzzer: SoapVersionFuzzer, query: dict[str, Any]) -> bytes:
    """The SOAP request for a valid stand-in of the query, then the broken values written in place."""
    op = next(o for o in fuzzer.operations if "personnummer" in _children(fuzzer, o.input_element))
    stand_in = dict(query)
    stand_in["personnummer"] = "195001010001"
    stand_in["period"] = {"from": "2024-01-01", "tom": "2024-01-31"}
    codes = list(query.get("formansinformation") or [])
    allowed = set(fuzzer.version.behaviour.formansgrupper)
    stand_in["formansinformation"] = [c for c in codes if c in allowed] or [next(iter(sorted(allowed)))]
    payload = etree.fromstring(fuzzer.build(op, stand_in)[0])
    body = payload.find("{*}Body")
    request = next(iter(body)) if body is not None else payload
    ns = fuzzer.namespace
    request.find(f"{{{ns}}}personnummer").text = query["personnummer"]
    request.find(f"{{{ns}}}period/{{{ns}}}from").text = query["period"]["from"]
    request.find(f"{{{ns}}}period/{{{ns}}}tom").text = query["period"]["tom"]
    for el in request.findall(f"{{{ns}}}formansinformation"):
        request.remove(el)
    anchor = request.find(f"{{{ns}}}period")
    for code in reversed(query.get("formansinformation") or []):
        el = etree.Element(f"{{{ns}}}formansinformation")
        el.text = code
        anchor.addnext(el)
    return envelope(request)


def _children(fuzzer: SoapVersionFuzzer, element: str) -> set[str]:
    elem: Any = fuzzer.xs.elements.get(element)
    if elem is None or elem.type.is_simple():
        return set()
    return {str(e.local_name) for e in elem.type.content.iter_elements()}


def check_negative(ex: Exchange, kind: str, strict_code: bool) -> list[tuple[str, str]]:
    found = [(f.check, f.message) for f in run_checks(ex) if f.check != "lefi_valid_request_not_refused"]
    found.extend(
        ("lefi_negative_refused_by_contract", f"{kind}: {m}") for m in expected_refusal(ex, strict_code)
    )
    return found
