"""Error types that the CLI maps to exit codes, so that a user mistake never ends in a traceback."""

from __future__ import annotations


class LefiContractsError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2


class UsageError(LefiContractsError):
    """Bad input from the user: unknown version, malformed contract file, bad option value."""

    exit_code = 2


class ContractError(UsageError):
    """A contract file (XSD, WSDL, OpenAPI, YAML) that cannot be read or is malformed."""


class TargetUnavailable(LefiContractsError):
    """The target cannot answer: unreachable, or in its maintenance window (exit 3, not a contract failure)."""

    exit_code = 3

    def __init__(self, message: str, *, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ResponseRejected(LefiContractsError):
    """The target answered something we refuse to read (too large, hostile XML, not decodable)."""

    exit_code = 1
