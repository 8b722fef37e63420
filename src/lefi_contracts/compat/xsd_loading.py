"""Loading an XSD set with xmlschema: fast when libxml2 vouches for it, else strictly, else leniently with notes.

Imports resolve from local files only; an unreadable schema is one line naming the file.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import xmlschema
from lxml import etree

from lefi_contracts.errors import ContractError


def unreadable(path: Path, exc: BaseException) -> ContractError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return ContractError(f"{path}: not a readable schema ({exc.__class__.__name__}: {first[:160]})")


# Imports are resolved from local files only (xmlschema maps the well-known W3C namespaces to its
# bundled copies): diffing never reaches out to the network, never hangs on it, never leaks through it.
ALLOW_LOCAL = "local"


def _one_line(msg: object, limit: int = 110) -> str:
    """A warning or error as one short line (xmlschema messages span lines and end in ':')."""
    text = " ".join(str(msg).split()).split(" Schema component:")[0]
    text = re.sub(r" from \[[^\]]*\]", "", text).rstrip(": ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fast_schema(path: Path) -> Any | None:
    """The schema built without re-validating its documents against the XSD meta-schema.

    That validation is ~85% of xmlschema's read time (1.5 s of 1.8 s for 200 KB). libxml2 checks
    the same (whether the schema set is a correct XSD 1.0 schema) in milliseconds, so when it
    compiles the set we build with validation='skip'; otherwise (errors, XSD 1.1, imports only
    xmlschema can resolve) the careful path below decides and explains. Local files only.
    """
    try:
        if _says_xsd11(path):
            return None  # XSD 1.1 (vc:minVersion, xs:override): libxml2 would skip what it does not know
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        etree.XMLSchema(etree.parse(str(path), parser))
    except (etree.Error, OSError, ValueError):
        return None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            schema = xmlschema.XMLSchema10(str(path), allow=ALLOW_LOCAL, validation="skip")
    except Exception:  # the careful path reports it
        return None
    return None if caught or schema.all_errors else schema


def _says_xsd11(path: Path) -> bool:
    try:
        head = path.read_bytes()[:65536]
    except OSError:
        return False
    return b"XMLSchema-versioning" in head or b":override" in head


def load_schema(path: Path) -> tuple[Any, list[str]]:
    """Fast when libxml2 vouches for the schema; else strict, then leniently with notes."""
    notes: list[str] = []
    fast = _fast_schema(path)
    if fast is not None:
        return fast, notes
    schema: Any
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # vc:minVersion="1.1" / xs:override: an XSD 1.0 processor skips such a schema's content, so read it as 1.1
            first = xmlschema.XMLSchema11 if _says_xsd11(path) else xmlschema.XMLSchema10
            schema = first(str(path), allow=ALLOW_LOCAL)
        except (xmlschema.XMLSchemaException, ParseError, OSError, ValueError, KeyError) as exc10:
            error: BaseException | None = exc10
            schema = None
            try:  # a real XSD 1.1 schema reads strictly as 1.1
                schema = xmlschema.XMLSchema11(str(path), allow=ALLOW_LOCAL)
            except Exception:
                # leniently: as the XSD version that finds fewer errors (1.0 on a tie), so that an
                # invalid 1.1 schema is not read as 1.0 and its 1.1 components lost
                candidates = []
                for cls in (xmlschema.XMLSchema10, xmlschema.XMLSchema11):
                    try:
                        lax = cls(str(path), validation="lax", allow=ALLOW_LOCAL)
                        candidates.append((len(lax.all_errors), cls is xmlschema.XMLSchema11, lax))
                    except Exception:
                        continue
                schema = min(candidates, key=lambda c: c[:2])[2] if candidates else None
            if schema is not None and schema.validation == "strict":
                error = None
            if error is not None and (
                schema is None
                or isinstance(error, ParseError)
                or "XMLResourceParseError" in type(error).__name__
            ):
                raise unreadable(path, error) from None
            if error is not None:
                errors = len(getattr(schema, "all_errors", []) or [])
                notes.append(
                    f"schema read leniently ({errors} errors, e.g. {_one_line(error)}): "
                    "unresolved components not compared"
                )
    notes.extend(
        sorted(
            {
                f"{_one_line(w.message)} (its components are not compared)"
                for w in caught
                if "Import" in type(w.message).__name__ or "Include" in type(w.message).__name__
            }
        )
    )
    return schema, notes
