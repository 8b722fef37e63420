"""YAML reading, with libyaml's parser when PyYAML has it: the same safe loader (the same tags, the same
errors: yaml.YAMLError), about ten times faster; an OpenAPI document or a code list is read by every worker
process of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lefi_contracts.errors import ContractError

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str | bytes) -> Any:
    """yaml.safe_load, on libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)


def read_yaml_file(path: Path, what: str = "") -> Any:
    """A YAML file's data; a file that is not YAML, or not UTF-8, is a one-line ContractError naming it
    (`what`: what the file is, e.g. "consumer contract")."""
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        named = f"{what} {path}" if what else str(path)
        raise ContractError(f"{named}: not valid YAML ({exc.__class__.__name__})") from None
