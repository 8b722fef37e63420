"""The two HTTP helpers of the scenarios, through the guarded transport (size cap, deadline, TLS of the run):
the unserved-version probe, and the reference provider's test-only control endpoints (/_lefi).
"""

from __future__ import annotations

import json
import re
from typing import Any

from lefi_contracts.client.transport import GuardedTransport, TlsConfig
from lefi_contracts.contracts import Registry, registry
from lefi_contracts.errors import LefiContractsError, UsageError

TEST_CONTROL_PREFIX = "/_lefi"
JSON = {"Content-Type": "application/json"}


def unserved_version_problems(
    base_url: str,
    number: str,
    reg: Registry | None = None,
    tls: TlsConfig | None = None,
    timeout: float = 10.0,
) -> list[str]:
    """Ask the registry and the target for a version that is not served; what is not a clear refusal.

    The registry must refuse it with a one-line UsageError; at the target, every transport's path for that
    version (a served version's base_path with the number swapped) must answer 404 naming the served versions.
    """
    reg = reg or registry()
    served = [v.number for v in reg.served()]
    if number in served:
        return [f"version {number} is served; the scenario needs one that is not"]
    problems = []
    try:
        reg.get(number)
        problems.append(f"the registry knows version {number}")
    except UsageError as exc:
        if not all(s in str(exc) for s in served):
            problems.append(f"the registry's refusal does not name the served versions: {exc}")
    seen: set[str] = set()
    transport = GuardedTransport(timeout=timeout, max_response_bytes=1_000_000, tls=tls)
    try:
        for v in reg.served():
            path = re.sub(r"v\d+$", f"v{number}", v.base_path.rstrip("/"))
            if v.transport in seen or path == v.base_path:
                continue
            seen.add(v.transport)
            tail = "/soap" if v.transport == "soap" else "/aktorer/x/formansinformation/fraga"
            headers = {"Content-Type": "application/json"}
            try:
                resp = transport.send("POST", base_url.rstrip("/") + path + tail, headers=headers, body=b"{}")
            except LefiContractsError as exc:
                problems.append(f"{path}: no answer ({exc})")
                continue
            text = resp.body.decode("utf-8", "replace")
            if resp.status != 404:
                problems.append(f"{path}: HTTP {resp.status}, expected 404")
            elif not all(re.search(rf"(?<!\d){re.escape(s)}(?!\d)", text) for s in served):
                problems.append(f"{path}: the 404 does not name the served versions {', '.join(served)}")
    finally:
        transport.close()
    return problems


class TargetControl:
    """The reference provider's test-only endpoints (/_lefi/...): its clock and the agencies' tillstånd.

    A foreign target has none: `available()` is False and the scenarios that need them are skipped there.
    """

    def __init__(self, base_url: str, tls: TlsConfig | None = None, timeout: float = 10.0) -> None:
        self.base = base_url.rstrip("/") + TEST_CONTROL_PREFIX
        self.http = GuardedTransport(timeout=timeout, max_response_bytes=5_000_000, tls=tls)
        self._available: bool | None = None

    def available(self) -> bool:
        if self._available is None:
            try:
                self._available = self.http.send("GET", f"{self.base}/catalogue").status == 200
            except LefiContractsError:
                self._available = False
        return self._available

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        resp = self.http.send("POST", f"{self.base}{path}", headers=JSON, body=payload)
        if resp.status >= 300:
            raise UsageError(f"the target refused {TEST_CONTROL_PREFIX}{path}: HTTP {resp.status}")

    def set_clock(self, instant: str | None) -> None:
        """Fix the target's clock at an ISO instant (None: back to real time)."""
        self._post("/clock", {"now": instant})

    def set_agency_state(self, agency: str, state: str | None) -> None:
        """Put an agency (FK, PM) in a tillstånd (None: back to OK)."""
        self._post("/agency-state", {agency: state or "OK"})
