"""Reading fact files (YAML mappings) with a clear error when one is missing or malformed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from parks.errors import DataNotFoundError


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping, with a clear error when the file is missing or not a mapping."""
    path = Path(path)
    if not path.exists():
        msg = f"fact file not found: {path}"
        raise DataNotFoundError(msg)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        msg = f"{path} does not hold a YAML mapping"
        raise DataNotFoundError(msg)
    return data
