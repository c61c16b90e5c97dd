"""Reading the fact files: park facts (shared/data/facts) and the illustrative lot plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from parks.errors import DataNotFoundError

LOT_PLAN_PATH = Path(__file__).with_name("lot_plan.yaml")


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


def lot_plan() -> dict[str, Any]:
    """Return the illustrative lot plan (parks/lot_plan.yaml)."""
    return read_yaml(LOT_PLAN_PATH)


def park_facts(facts_dir: Path) -> dict[str, dict[str, Any]]:
    """Return the per-park facts of parks.yaml keyed by their facts id, plus the 2021-03 strategy."""
    data = read_yaml(Path(facts_dir) / "parks.yaml")
    by_id = {str(p["id"]): p for p in data.get("parks", [])}
    by_id["city_strategy_2021_03"] = data.get("city_strategy_2021_03", {})
    return by_id
