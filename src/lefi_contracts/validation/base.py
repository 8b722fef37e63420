"""The one Contract interface: every part (client, scenarios, fuzzing, consumers, gate) validates through it.

A SOAP version is an XsdContract, a REST version an OpenApiContract; callers never need to know which.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from lefi_contracts.personnummer import mask_text


@dataclass(frozen=True)
class Violation:
    """One broken rule of a contract, at a path like /hamtaFormansinformationSvar/formansinformation/x[1]/y.

    rule is a stable id (e.g. xsd:missing-element, openapi:status) so reports can group and count.
    Messages are masked: a violation ends up in reports, and the offending value may be a personnummer.
    """

    path: str
    message: str
    rule: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", mask_text(self.message))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class OperationBinding:
    """How an operation is called: SOAP request/response elements or REST method and path template.

    (compat.model.Operation is the other kind: an operation's normalised messages, for the diff.)
    """

    name: str
    method: str = "POST"
    path: str = ""
    request: str | None = None
    response: str | None = None


class Contract(abc.ABC):
    """A version's contract, able to judge requests, responses and bare documents."""

    version: str | None = None
    kind: str = ""

    @abc.abstractmethod
    def operations(self) -> list[OperationBinding]:
        """The operations the contract defines, named as in the WSDL/XSD or by OpenAPI operationId."""

    @abc.abstractmethod
    def validate_response(
        self,
        body: bytes | Any,
        *,
        operation: str | None = None,
        status: int | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | Any | None = None,
    ) -> list[Violation]:
        """Violations of a response body (SOAP envelope bytes, or JSON bytes / decoded JSON); [] when it holds."""

    @abc.abstractmethod
    def validate_request(
        self, body: bytes | Any, *, operation: str | None = None, content_type: str | None = None
    ) -> list[Violation]:
        """Violations of a request body against the operation's request definition."""

    @abc.abstractmethod
    def validate_document(self, data: bytes | Any, *, element: str | None = None) -> list[Violation]:
        """Violations of a bare document: an XSD global element (root by default) or an OpenAPI schema name."""

    def is_valid_response(self, body: bytes | Any, **kwargs: Any) -> bool:
        return not self.validate_response(body, **kwargs)

    def operation(self, name: str) -> OperationBinding:
        for op in self.operations():
            if op.name == name:
                return op
        from lefi_contracts.errors import UsageError

        known = ", ".join(o.name for o in self.operations())
        raise UsageError(f"unknown operation {name!r} (known: {known})")


def header_value(headers: Any, name: str) -> str | None:
    """A header from any mapping (httpx's Headers, a plain dict in any spelling); None when absent or unreadable."""
    try:
        return headers.get(name) or headers.get(name.lower()) or headers.get(name.title())
    except AttributeError:
        return None
