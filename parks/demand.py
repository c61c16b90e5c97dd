"""The demand log: one anonymous record per distinct search, so planners can count unmet demand.

What makes it worth reading:

- **one record per distinct search**: the same criteria for the same date within
  ``DEDUPE_WINDOW_S`` are one search (a firm re-submitting, a page reloaded); each process
  remembers what it wrote, and :func:`read_demand` drops repeats across processes too;
- **past dates apart**: a search for a date before today is history, not demand; it goes
  to ``<log>.past.jsonl`` and never counts as unmet demand;
- **rotation**: past ``MAX_LOG_BYTES`` the log becomes ``<log>.1`` (``.1`` → ``.2`` …, at
  most ``BACKUPS`` kept), under a file lock so concurrent workers do not lose lines;
- **valid JSON always**: every line is written with ``allow_nan=False``;
- never the firm's name, and never a lead (leads live in the staff inventory, not here).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from parks.profile import FirmProfile

PERSONAL_FIELDS = ("name",)
"""Profile fields never written to the log (the schema's only identifying field)."""

DEDUPE_WINDOW_S = 3600.0
"""Searches with the same criteria and date within this many seconds count once."""

MAX_LOG_BYTES = 5_000_000
"""Size at which the log is rotated."""

BACKUPS = 5
"""Rotated files kept (``.1`` newest … ``.5`` oldest)."""

SEVERAL = "several"
"""Failed constraint of a search in which every lot failed two or more constraints."""

MAX_REMEMBERED = 10_000
"""Most search keys a process remembers for de-duplication."""


def past_path(path: Path) -> Path:
    """Return the file that holds searches for past dates, beside the live log."""
    path = Path(path)
    return path.with_name(f"{path.stem}.past{path.suffix or '.jsonl'}")


def search_key(criteria: Mapping[str, Any], as_of: date, speed_profile: str = "normal") -> str:
    """Return a short stable key of one search (same criteria, date and speeds = same key)."""
    text = json.dumps([criteria, as_of.isoformat(), speed_profile], sort_keys=True, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def demand_record(
    profile: FirmProfile,
    *,
    as_of: date,
    matches: int,
    near_misses: int,
    near_miss_counts: Mapping[str, int] | None = None,
    speed_profile: str = "normal",
    today: date | None = None,
) -> dict[str, Any]:
    """Return the log record of one search: the criteria without any personal data.

    ``live`` is False for a date before ``today``; ``near_miss_counts`` says how many lots
    fail only one constraint, by constraint (what stands between the firm and a site).
    """
    criteria = profile.to_dict()
    for key in PERSONAL_FIELDS:
        criteria.pop(key, None)
    today = today or date.today()
    return {
        "logged_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "key": search_key(criteria, as_of, speed_profile),
        "as_of": as_of.isoformat(),
        "live": as_of >= today,
        "speed_profile": speed_profile,
        "criteria": criteria,
        "matches": matches,
        "near_misses": near_misses,
        "near_miss_counts": dict(near_miss_counts or {}),
        # what kept the firm from a site: the constraints some lot failed alone, or "several"
        # when every lot failed two or more (read by parks.planning.vacancy)
        "failed_constraints": sorted(near_miss_counts or {}) or [SEVERAL],
    }


def _rotate(path: Path, backups: int) -> None:
    for i in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{i + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def record_demand(
    path: Path,
    record: dict[str, Any],
    *,
    max_bytes: int = MAX_LOG_BYTES,
    backups: int = BACKUPS,
) -> Path:
    """Append one record as a JSON line (past dates to :func:`past_path`); return the file.

    Raises
    ------
    ValueError
        If the record holds NaN or infinity (it would not be valid JSON).
    """
    target = Path(path) if record.get("live", True) else past_path(Path(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n").encode()
    lock_path = target.with_name(target.name + ".lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if target.exists() and target.stat().st_size + len(line) > max_bytes:
                _rotate(target, backups)
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


class DemandLog:
    """A demand log that writes each distinct search once per ``window_s`` (thread-safe)."""

    def __init__(
        self,
        path: Path,
        *,
        window_s: float = DEDUPE_WINDOW_S,
        max_bytes: int = MAX_LOG_BYTES,
        backups: int = BACKUPS,
    ) -> None:
        self.path = Path(path)
        self.window_s = window_s
        self.max_bytes = max_bytes
        self.backups = backups
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def record(self, record: dict[str, Any], *, now: float | None = None) -> bool:
        """Write ``record`` unless the same search was written within the window; True if written."""
        now = time.monotonic() if now is None else now
        key = str(record["key"])
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last < self.window_s:
                return False
            self._seen[key] = now
            if len(self._seen) > MAX_REMEMBERED:
                cutoff = now - self.window_s
                self._seen = {k: t for k, t in self._seen.items() if t >= cutoff}
        record_demand(self.path, record, max_bytes=self.max_bytes, backups=self.backups)
        return True


def _log_files(path: Path) -> list[Path]:
    """Return the live log and its rotated files, oldest first."""
    path = Path(path)
    rotated = [path.with_name(f"{path.name}.{i}") for i in range(BACKUPS * 4, 0, -1)]
    return [p for p in [*rotated, path] if p.exists()]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return isinstance(value, str)


def well_formed(record: object) -> bool:
    """Return True for a record shaped as :func:`demand_record` writes it.

    Readers (:func:`demand_summary`, the planner's unmet demand) rely on these types; a line
    from an older version, a hand edit or a torn write that breaks them is skipped.
    """
    if not isinstance(record, dict):
        return False
    criteria = record.get("criteria")
    land = criteria.get("land_m2", {}) if isinstance(criteria, dict) else None
    counts = record.get("near_miss_counts", {})
    failed = record.get("failed_constraints", [])
    return (
        isinstance(land, dict)
        and all(v is None or _is_number(v) for v in land.values())
        and _is_date(record.get("as_of"))
        and isinstance(record.get("logged_at", ""), str)
        and isinstance(record.get("key", ""), str)
        and isinstance(record.get("live", True), bool)
        and _is_count(record.get("matches", 0))
        and isinstance(counts, dict)
        and all(isinstance(k, str) and _is_count(v) for k, v in counts.items())
        and isinstance(failed, list)
        and all(isinstance(c, str) for c in failed)
    )


def _read_lines(files: Iterable[Path]) -> list[dict[str, Any]]:
    out = []
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")  # a torn multibyte char
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue  # a damaged line is skipped, never fatal
            if well_formed(record):
                out.append(record)
    return out


def _without_repeats(records: list[dict[str, Any]], window_s: float) -> list[dict[str, Any]]:
    """Drop a record whose key was seen less than ``window_s`` before (several writers)."""
    last: dict[str, datetime] = {}
    out = []
    for record in sorted(records, key=lambda r: str(r.get("logged_at", ""))):
        key = record.get("key") or search_key(
            record["criteria"], date.fromisoformat(str(record["as_of"])[:10])
        )
        try:
            at = datetime.fromisoformat(str(record["logged_at"]))
        except (KeyError, ValueError):
            out.append(record)
            continue
        previous = last.get(key)
        if previous is not None and (at - previous).total_seconds() < window_s:
            continue
        last[key] = at
        out.append(record)
    return out


def read_demand(
    path: Path, *, past: bool = False, window_s: float = DEDUPE_WINDOW_S
) -> list[dict[str, Any]]:
    """Read the live log (or the past-date log) with its rotated files, repeats dropped.

    A missing log is empty; a damaged line is skipped.
    """
    base = past_path(Path(path)) if past else Path(path)
    return _without_repeats(_read_lines(_log_files(base)), window_s)


def demand_summary(
    live: list[dict[str, Any]], past: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Count searches, the unmet ones, and unmet demand by industry, size and failed constraint.

    ``unmet_by_failed_constraint`` counts, for each constraint, the unmet searches in which
    some lot failed only that constraint (``several`` when every lot failed two or more).
    Past-date searches are counted apart and never as demand.
    """
    unmet = [r for r in live if r.get("matches", 0) == 0]
    by_industry = Counter(str(r["criteria"].get("industry", "?")) for r in unmet)
    bands = Counter(_band(r["criteria"].get("land_m2", {}).get("min")) for r in unmet)
    by_constraint: Counter[str] = Counter()
    for r in unmet:
        counts = r.get("near_miss_counts") or {}
        if counts:
            by_constraint.update(counts.keys())
        else:
            by_constraint[SEVERAL] += 1
    return {
        "searches": len(live),
        "unmet": len(unmet),
        "unmet_by_industry": dict(by_industry.most_common()),
        "unmet_by_min_area": dict(sorted(bands.items())),
        "unmet_by_failed_constraint": dict(by_constraint.most_common()),
        "past_date_searches": len(past or []),
    }


def unmet_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Summarise live records only (see :func:`demand_summary`)."""
    return demand_summary([r for r in records if r.get("live", True)])


def _band(min_m2: float | None) -> str:
    if min_m2 is None:
        return "any size"
    for limit in (3_000, 10_000, 30_000, 100_000):
        if min_m2 < limit:
            return f"< {limit:,} m²"
    return "≥ 100,000 m²"
