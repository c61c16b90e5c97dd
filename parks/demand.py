"""The unmet-demand log: anonymous match requests, so planners can count demand nobody served."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from parks.profile import FirmProfile

PERSONAL_FIELDS = ("name",)
"""Profile fields never written to the log (the schema's only identifying field)."""


def demand_record(
    profile: FirmProfile, *, as_of: date, matches: int, near_misses: int
) -> dict[str, Any]:
    """Return the log record of one request: the criteria without any personal data."""
    criteria = profile.to_dict()
    for key in PERSONAL_FIELDS:
        criteria.pop(key, None)
    return {
        "logged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "criteria": criteria,
        "matches": matches,
        "near_misses": near_misses,
    }


def record_demand(path: Path, record: dict[str, Any]) -> None:
    """Append one record as a JSON line (a single O_APPEND write, so concurrent writers don't interleave)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read_demand(path: Path) -> list[dict[str, Any]]:
    """Read every record of the log (a missing log is empty; a damaged line is skipped)."""
    path = Path(path)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def unmet_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Count requests, those nobody could serve, and the unmet ones by industry and size band."""
    unmet = [r for r in records if r.get("matches", 0) == 0]
    by_industry = Counter(r["criteria"].get("industry", "?") for r in unmet)
    bands = Counter(_band(r["criteria"].get("land_m2", {}).get("min")) for r in unmet)
    return {
        "requests": len(records),
        "unmet": len(unmet),
        "unmet_by_industry": dict(by_industry.most_common()),
        "unmet_by_min_area": dict(sorted(bands.items())),
    }


def _band(min_m2: float | None) -> str:
    if min_m2 is None:
        return "any size"
    for limit in (3_000, 10_000, 30_000, 100_000):
        if min_m2 < limit:
            return f"< {limit:,} m²"
    return "≥ 100,000 m²"
