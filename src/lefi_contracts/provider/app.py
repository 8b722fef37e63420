"""The reference provider as a Starlette ASGI app: every served registry version on one port, each at its base_path.

Routes are built from the registry (transport soap -> /soap + WSDL + XSD; rest -> the v9 paths + OpenAPI), so a new
version in versions.yaml with a contract folder is served without code changes.

Test-only endpoints (ours, not part of any LEFI contract):
  GET  /_lefi/health                     {"status": "ok", "versions": [...]}
  GET  /_lefi/catalogue                  the fixture catalogue (persons, actors, users by what they are)
  GET  /_lefi/clock, POST /_lefi/clock   {"now": "2027-06-01T10:00:00+02:00"} fixes the clock; {"now": null} = real time
  GET  /_lefi/agency-state, POST ...     {"PM": "OTILLGANGLIG"} sets an agency's tillstand (OK|FELANDE|OTILLGANGLIG)
  GET  /_lefi/faults                     the faults switched on
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import xmlschema
import yaml
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from lefi_contracts.contracts import QUERY_SECTIONS, VersionInfo, registry
from lefi_contracts.errors import UsageError
from lefi_contracts.personnummer import mask_text
from lefi_contracts.provider.clock import Clock, parse_instant
from lefi_contracts.provider.config import ProviderConfig, check_agency_state
from lefi_contracts.provider.faults import ActiveFaults
from lefi_contracts.provider.maintenance import MaintenanceWindow, active_window
from lefi_contracts.provider.render import (
    UnknownElement,
    answer_envelope,
    build_xml,
    encode_xml,
    encode_xml_lax,
    envelope,
    fault_envelope,
    felsvar,
    relabel,
    to_json,
    validator_for,
)
from lefi_contracts.provider.request_check import check_rest_body, check_rest_headers, check_soap_payload
from lefi_contracts.provider.rules import Engine, ProviderQuery, Rejected, bad_request
from lefi_contracts.provider.soap import check_content_type, parse_request
from lefi_contracts.provider.store import open_store
from lefi_contracts.provider.tls import caller_may_ask_for, peer_actor, presented_certificate
from lefi_contracts.yamlio import load_yaml

log = logging.getLogger("lefi_contracts.provider")
JSON = "application/json"
XML = "text/xml; charset=utf-8"
Handler = Callable[[Request], Awaitable[Response]]


class TooLarge(Exception):
    pass


class Provider:
    """The state behind the app: store, clock, engine; kept on app.state.provider for tests."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.store, self.built = open_store(config.db_path, config.seed, config.persons)
        self.clock = Clock(config.now)
        self.faults = ActiveFaults(config.faults)
        self.engine = Engine(self.store, self.clock, self.faults, config.agency_state)
        self.registry = registry()
        self.versions = self.registry.served()
        self.maintenance: list[MaintenanceWindow] = list(config.maintenance)
        self.app: Starlette | None = (
            None  # set by create_app; the unknown-version-answered fault re-dispatches
        )

    # --- shared helpers -----------------------------------------------------------------------------------
    async def body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.config.max_body_bytes:
            raise TooLarge()
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.config.max_body_bytes:
                raise TooLarge()
            chunks.append(chunk)
        return b"".join(chunks)

    def window(self, v: VersionInfo) -> MaintenanceWindow | None:
        if self.faults.on("maintenance-ignored", v):
            return None
        return active_window(self.maintenance, self.clock.now())

    def retry_after(self, window: MaintenanceWindow) -> str:
        return str(window.retry_after_seconds(self.clock.now()))

    def check_caller(self, request: Request, aktors_id: Any) -> None:
        """Mutual TLS: a caller with a certificate asks only for the actor it is (see provider/tls.py)."""
        presented = presented_certificate(request.scope)
        if not presented:
            if presented is None and self.config.client_ca is not None:
                # mTLS configured but the server gave no TLS details: refuse rather than trust everyone
                raise Rejected(403, "OKAND_AKTOR", "Anroparens certifikat saknas.")
            return
        cert_id = peer_actor(request.scope)
        cert_actor = self.store.actor(cert_id) if cert_id and len(cert_id) <= 200 else None
        if not caller_may_ask_for(cert_actor, aktors_id):
            raise Rejected(403, "OKAND_AKTOR", "Aktören är okänd eller får inte företrädas av anroparen.")

    def served_text(self) -> str:
        return ", ".join(f"{v.number} ({v.base_path})" for v in self.versions)

    # --- REST ---------------------------------------------------------------------------------------------
    def rest_error(self, status: int, meddelande: str, headers: dict[str, str] | None = None) -> Response:
        return Response(felsvar(meddelande, self.clock.now()), status, headers=headers, media_type=JSON)

    def rest_handler(self, v: VersionInfo, operation: str, operation_id: str) -> Handler:
        async def handle(request: Request) -> Response:
            try:
                window = self.window(v)
                if window is not None:
                    return self.rest_error(
                        503,
                        f"LEFI Online är inte tillgänglig ({window.reason}).",
                        {"Retry-After": self.retry_after(window)},
                    )
                aktors_id = request.path_params["aktorsId"]
                if not self.faults.on("user-header-length-unchecked", v):
                    check_rest_headers(v, operation_id, request.headers)
                self.check_caller(request, aktors_id)
                if operation == "tillgangliga":
                    return Response(to_json(self.engine.tillgangliga(v, aktors_id)), 200, media_type=JSON)
                query = await self.rest_query(request, aktors_id, v, operation_id)
                return Response(to_json(self.engine.hamta(v, query)), 200, media_type=JSON)
            except Rejected as exc:
                return self.rest_error(exc.status, exc.meddelande)
            except TooLarge:
                return self.rest_error(400, f"Frågan är större än {self.config.max_body_bytes} byte.")
            except Exception as exc:  # never a traceback to the caller
                log.error("internal error in v%s %s: %s", v.number, operation, mask_text(repr(exc)))
                return self.rest_error(500, "Internt fel.")

        return handle

    async def rest_query(
        self, request: Request, aktors_id: str, v: VersionInfo, operation_id: str
    ) -> ProviderQuery:
        media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            raise bad_request("Fel innehållstyp: frågan skickas som application/json.")
        raw = await self.body(request)
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("Frågan är inte giltig JSON.") from None
        if not isinstance(data, dict):
            raise bad_request("Frågan ska vara ett JSON-objekt.")
        if not self.faults.on("request-schema-unchecked", v):
            check_rest_body(v, operation_id, data)
        period = data.get("period")
        if period is None:
            raise bad_request("Perioden saknas.")
        if not isinstance(period, dict):
            raise bad_request("Perioden ska vara ett objekt med from och tom.")
        lists = {k: data[k] for k in QUERY_SECTIONS if k in data}
        anvandare = request.headers.get("x-lefi-anvandare")
        return ProviderQuery(
            aktors_id, anvandare, data.get("personnummer"), period.get("from"), period.get("tom"), lists
        )

    def contract_doc(self, v: VersionInfo, kind: str, as_json: bool = False) -> Handler:
        path = v.contract_file(kind)

        async def handle(request: Request) -> Response:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                return Response(
                    f"contract file of version {v.number} is missing", 500, media_type="text/plain"
                )
            if kind in ("xsd", "openapi") and self.faults.on("served-contract-drift", v):
                text = drifted_contract(v, kind, text)
            if as_json:
                return Response(to_json(load_yaml(text)), media_type=JSON)
            media = {"openapi": "application/yaml", "wsdl": XML, "xsd": XML}[kind]
            if kind == "wsdl":
                return Response(self.wsdl_for(text, request, v), media_type=media)
            return Response(text.encode("utf-8"), media_type=media)

        return handle

    def wsdl_for(self, text: str, request: Request, v: VersionInfo) -> bytes:
        """The WSDL with soap:address pointing at this server (so a client loading it here calls us)."""
        root = etree.fromstring(
            text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
        )
        endpoint = f"{str(request.base_url).rstrip('/')}{v.base_path}/soap"
        for addr in root.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address"):
            addr.set("location", endpoint)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    # --- SOAP ---------------------------------------------------------------------------------------------
    def soap_fault(
        self,
        v: VersionInfo,
        status: int,
        faultcode: str,
        faultstring: str,
        kod: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        ns = v.namespace or ""
        return Response(
            fault_envelope(ns, faultcode, faultstring, kod, faultstring),
            status,
            headers=headers,
            media_type=XML,
        )

    def soap_handler(self, v: VersionInfo) -> Handler:
        wsdl = self.contract_doc(v, "wsdl")

        async def handle(request: Request) -> Response:
            if request.method == "GET":
                if "wsdl" in {k.lower() for k in request.query_params}:
                    return await wsdl(request)
                return Response(
                    f"POST SOAP 1.1 requests here; the WSDL is at {v.base_path}/soap?wsdl\n",
                    405,
                    headers={"Allow": "GET, POST"},
                    media_type="text/plain",
                )
            try:
                window = self.window(v)
                if window is not None:
                    text = f"LEFI Online är inte tillgänglig ({window.reason})."
                    return self.soap_fault(
                        v, 503, "soap:Server", text, "OTILLGANGLIG", {"Retry-After": self.retry_after(window)}
                    )
                check_content_type(request.headers.get("content-type"))
                parsed = parse_request(
                    await self.body(request), v.namespace or "", request.headers.get("soapaction")
                )
                if parsed.payload is not None and not self.faults.on("request-schema-unchecked", v):
                    check_soap_payload(v, parsed.payload)
                self.check_caller(request, parsed.query.aktors_id)
                if parsed.operation == "hamtaTillgangligaInformationstyper":
                    data = self.engine.tillgangliga(v, parsed.query.aktors_id)
                    data.pop("ansprak", None)
                    data.pop("beslut", None)
                    element = "hamtaTillgangligaInformationstyperSvar"
                else:
                    data = self.engine.hamta(v, parsed.query)
                    element = "hamtaFormansinformationSvar"
                fast = None if self.faults.on("wrong-namespace", v) else answer_envelope(v, element, data)
                return Response(fast or envelope(self.encode(v, element, data)), 200, media_type=XML)
            except Rejected as exc:
                return self.soap_fault(v, 500, exc.soap_faultcode, exc.meddelande, exc.kod)
            except TooLarge:
                text = f"Frågan är större än {self.config.max_body_bytes} byte."
                return self.soap_fault(v, 500, "soap:Client", text, "FELAKTIGA_INDATA")
            except Exception as exc:
                log.error("internal error in v%s soap: %s", v.number, mask_text(repr(exc)))
                return self.soap_fault(v, 500, "soap:Server", "Internt fel.", "INTERNT_FEL")

        return handle

    def encode(self, v: VersionInfo, element: str, data: dict[str, Any]) -> etree._Element:
        wrong_ns = None
        if self.faults.on("wrong-namespace", v):
            prev = self.registry.previous(v.number)
            wrong_ns = prev.namespace if prev and prev.namespace else f"{v.namespace}:fel"
        try:  # fast path: XSD-ordered lxml tree, validated by lxml against the same XSD
            elem = build_xml(v, element, data)
            if validator_for(v).validate(elem):
                return relabel(elem, v.namespace or "", wrong_ns) if wrong_ns else elem
        except UnknownElement:
            pass
        try:  # slow path: xmlschema says what is wrong (and is what fault encodings use)
            return encode_xml(v, element, data, namespace=wrong_ns)
        except xmlschema.XMLSchemaValidationError:
            if not self.faults.names:
                raise  # our own answer does not fit our own contract: an internal error, not to be hidden
            if self.faults.on("harmonised-leaks-into-old-versions", v) or self.faults.on(
                "later-structure-leaks", v
            ):
                # encode with a harmonised version's schema (it has beloppstyp) and label it as this version
                donor = next(
                    (
                        d
                        for d in self.versions
                        if d.transport == "soap" and d.behaviour.preliminara_utbetalningar == "harmonised"
                    ),
                    None,
                )
                if donor is not None and donor.number != v.number:
                    return encode_xml(donor, element, data, namespace=v.namespace)
            return encode_xml_lax(v, element, data)  # a fault whose point is an XSD violation

    # --- admin (test-only) --------------------------------------------------------------------------------
    async def admin_clock(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                data = json.loads(await self.body(request) or b"{}")
                now = data.get("now") if isinstance(data, dict) else None
                self.clock.set(parse_instant(now) if now else None)
            except (ValueError, UsageError, TooLarge) as exc:
                return Response(to_json({"error": str(exc)}), 400, media_type=JSON)
        return Response(
            to_json({"now": self.clock.now().isoformat(), "fixed": self.clock.fixed}), media_type=JSON
        )

    async def admin_agency(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                data = json.loads(await self.body(request) or b"{}")
                if not isinstance(data, dict):
                    raise UsageError('expected an object like {"PM": "OTILLGANGLIG"}')
                check_agency_state(data)
            except (ValueError, UsageError, TooLarge) as exc:
                return Response(to_json({"error": str(exc)}), 400, media_type=JSON)
            self.engine.agency_state.update(data)
        return Response(to_json({a: self.engine.state(a) for a in ("FK", "PM")}), media_type=JSON)

    async def admin_catalogue(self, request: Request) -> Response:
        from lefi_contracts.provider.catalogue import catalogue_from_store

        return Response(to_json(catalogue_from_store(self.store, self.config.seed)), media_type=JSON)

    async def admin_health(self, request: Request) -> Response:
        versions = [
            {"number": v.number, "transport": v.transport, "base_path": v.base_path} for v in self.versions
        ]
        return Response(
            to_json({"status": "ok", "versions": versions, "seed": self.config.seed}), media_type=JSON
        )

    async def admin_faults(self, request: Request) -> Response:
        return Response(to_json(sorted(self.faults.names)), media_type=JSON)

    def nearest_served(self, path: str) -> str | None:
        """The path rewritten to the served version nearest to the one it names (for unknown-version-answered)."""
        best: tuple[int, str] | None = None
        for v in self.versions:
            m = re.match(r"^(.*/v)(\d+)$", v.base_path)
            if not m:
                continue
            asked = re.match(re.escape(m.group(1)) + r"(\d+)(/.*)?$", path)
            if asked and asked.group(1) != v.number and v.number.isdigit():
                distance = abs(int(asked.group(1)) - int(v.number))
                if best is None or distance < best[0]:
                    best = (distance, v.base_path + (asked.group(2) or ""))
        return best[1] if best else None

    def allowed_methods(self, scope: Any) -> list[str]:
        """The methods of the served routes whose path matches (empty: no served path is named)."""
        allowed: set[str] = set()
        for route in self.app.router.routes if self.app is not None else []:
            if isinstance(route, Route) and route.path != "/{path:path}" and route.methods:
                match, _ = route.matches(scope)
                if match != Match.NONE:
                    allowed |= route.methods
        return sorted(allowed)

    async def not_found(self, request: Request) -> Response:
        allowed = self.allowed_methods(request.scope)
        if allowed and not self.faults.on("undeclared-method-not-found"):
            text = f"Metoden {request.method[:20]} stöds inte här; tillåtna: {', '.join(allowed)}."
            return Response(
                to_json({"meddelande": text, "timestamp": self.clock.now().isoformat(timespec="seconds")}),
                405,
                headers={"Allow": ", ".join(allowed)},
                media_type=JSON,
            )
        rewritten = (
            self.nearest_served(request.url.path) if self.faults.on("unknown-version-answered") else None
        )
        if rewritten is not None and self.app is not None:
            scope = dict(request.scope, path=rewritten, raw_path=rewritten.encode())
            return _Redispatch(self.app, scope)
        text = f"Okänd sökväg {request.url.path[:120]}. Versioner som tjänas: {self.served_text()}."
        return Response(
            to_json({"meddelande": text, "timestamp": self.clock.now().isoformat(timespec="seconds")}),
            404,
            media_type=JSON,
        )

    def routes(self) -> list[Route]:
        routes = [
            Route("/_lefi/health", self.admin_health),
            Route("/_lefi/catalogue", self.admin_catalogue),
            Route("/_lefi/clock", self.admin_clock, methods=["GET", "POST"]),
            Route("/_lefi/agency-state", self.admin_agency, methods=["GET", "POST"]),
            Route("/_lefi/faults", self.admin_faults),
        ]
        for v in self.versions:
            base = v.base_path
            if v.transport == "rest":
                routes += [
                    Route(
                        f"{base}/aktorer/{{aktorsId}}/formansinformation/fraga",
                        self.rest_handler(v, "hamta", "hamtaFormansinformation"),
                        methods=["POST"],
                    ),
                    Route(
                        f"{base}/aktorer/{{aktorsId}}/tillgangligaInformationstyper",
                        self.rest_handler(v, "tillgangliga", "hamtaTillgangligaInformationstyper"),
                        methods=["GET"],
                    ),
                    Route(f"{base}/openapi.yaml", self.contract_doc(v, "openapi")),
                    Route(f"{base}/openapi.json", self.contract_doc(v, "openapi", as_json=True)),
                ]
            else:
                routes += [
                    Route(f"{base}/soap", self.soap_handler(v), methods=["GET", "POST"]),
                    Route(f"{base}/{v.contract_file('wsdl').name}", self.contract_doc(v, "wsdl")),
                    Route(f"{base}/{v.contract_file('xsd').name}", self.contract_doc(v, "xsd")),
                ]
        routes.append(
            Route(
                "/{path:path}",
                self.not_found,
                methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"],
            )
        )
        return routes


def drifted_contract(v: VersionInfo, kind: str, text: str) -> str:
    """The served-contract-drift fault: the contract text without the version's last FK group code (every
    enumeration that lists it), so what the target serves differs from the contract of record."""
    codes = sorted(c for c in v.behaviour.formansgrupper if c.startswith("FK:"))
    if not codes:
        return text
    dropped = codes[-1]
    if kind == "openapi":

        def walk(node: Any) -> Any:
            if isinstance(node, dict):
                return {
                    k: [e for e in val if e != dropped]
                    if k == "enum" and isinstance(val, list)
                    else walk(val)
                    for k, val in node.items()
                }
            return [walk(x) for x in node] if isinstance(node, list) else node

        return yaml.safe_dump(walk(load_yaml(text)), allow_unicode=True, sort_keys=False)
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    for enum in root.iter("{http://www.w3.org/2001/XMLSchema}enumeration"):
        if enum.get("value") == dropped:
            enum.getparent().remove(enum)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def create_app(config: ProviderConfig) -> Starlette:
    """The ASGI app; builds (or reuses) the database at config.db_path first."""
    provider = Provider(config)
    app = Starlette(routes=provider.routes())
    app.state.provider = provider
    provider.app = app
    return app


class _Redispatch(Response):
    """Hands the request to the app again under another path (the unknown-version-answered fault)."""

    def __init__(self, app: Starlette, scope: dict[str, Any]) -> None:
        super().__init__()
        self.app, self.new_scope = app, scope

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(self.new_scope, receive, send)
