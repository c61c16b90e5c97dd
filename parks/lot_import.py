"""Replacing the illustrative lots with an official lot layer: validate all, diff, apply atomically."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from geo.crs import METRIC_CRS, WEB_CRS
from geo.errors import GeoError
from geo.io import write_layers_atomic
from geo.validate import geometry_problems, outside_problems, overlap_problems
from parks.data import LOT_STATUSES, PARK_IDS, Layers, gpkg_path, load_layers
from parks.errors import LotImportError

REQUIRED_COLUMNS = ("park_id", "lot_no", "status")
OPTIONAL_COLUMNS = ("phase", "available_from", "price_per_m2", "occupant", "source", "area_m2")
PARK_TOLERANCE_M = 500.0
"""How far a lot may lie outside a derived park outline (the outlines are approximate)."""

STUDY_BOUNDS = (136.3, 36.2, 137.0, 36.9)

LOT_NO_PATTERN = re.compile(r"^[^\W_](?:[\w.\-]{0,30}[^\W_])?$")
"""A lot number: letters (Japanese included) and digits, with ``-``, ``.`` or ``_`` inside,
at most 32 characters. Lot numbers become ids, URLs and page text, so nothing else
(``<``, quotes, ``/``, spaces, control characters) is accepted."""


@dataclass(frozen=True)
class LotImportPlan:
    """A validated import: the new lots and events, and how they differ from today's."""

    source_file: Path
    lots: gpd.GeoDataFrame
    events: pd.DataFrame
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def diff_text(self) -> str:
        """Return a readable dry-run diff."""
        lines = [
            f"import {self.source_file.name}: {len(self.lots)} lots in all after import "
            f"(+{len(self.added)} added, -{len(self.removed)} removed, "
            f"~{len(self.changed)} changed, {self.unchanged} unchanged)"
        ]
        lines += [f"+ {x}" for x in self.added]
        lines += [f"- {x}" for x in self.removed]
        lines += [f"~ {x}" for x in self.changed]
        return "\n".join(lines)


def read_lot_file(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read the uploaded file, turning read failures into a LotImportError."""
    from geo.io import read_vector

    try:
        return read_vector(Path(path), layer)
    except GeoError as exc:
        raise LotImportError([str(exc)]) from exc


def prepare_lot_import(
    path: Path,
    data_dir: Path,
    *,
    layer: str | None = None,
    source: str | None = None,
    today: date | None = None,
) -> LotImportPlan:
    """Validate an official lot layer against the dataset and return the plan (writes nothing).

    Raises LotImportError listing every problem: missing columns, unknown parks or statuses,
    duplicate ids, bad dates or prices, missing or implausible CRS, empty or invalid
    geometries, lots outside every park or in another park than declared, overlapping lots.
    """
    layers = load_layers(data_dir)
    raw = read_lot_file(path, layer)
    return plan_lot_import(raw, layers, source_file=Path(path), source=source, today=today)


def plan_lot_import(
    raw: gpd.GeoDataFrame,
    layers: Layers,
    *,
    source_file: Path,
    source: str | None = None,
    today: date | None = None,
) -> LotImportPlan:
    """Validate a lot frame (see prepare_lot_import) and build the plan."""
    problems: list[str] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(
            f"missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED_COLUMNS)}"
        )
    if raw.empty:
        problems.append("the file holds no lots")
    if raw.crs is None:
        problems.append("the file has no CRS; save it in EPSG:4326 or EPSG:6675")
    if missing or raw.empty or raw.crs is None:
        raise LotImportError(problems)

    frame = raw.copy()
    frame["park_id"] = frame["park_id"].astype(str)
    frame["lot_no"] = frame["lot_no"].astype(str)
    frame["lot_id"] = frame["park_id"] + "/" + frame["lot_no"]
    labels = [f"row {i + 1} ({lot_id})" for i, lot_id in enumerate(frame["lot_id"])]

    problems += _attribute_problems(frame, labels)
    problems += geometry_problems(frame, labels)
    web = frame.to_crs(WEB_CRS)
    minx, miny, maxx, maxy = web.total_bounds
    if not (
        STUDY_BOUNDS[0] <= minx
        and maxx <= STUDY_BOUNDS[2]
        and STUDY_BOUNDS[1] <= miny
        and maxy <= STUDY_BOUNDS[3]
    ):
        crs_name = CRS.from_user_input(raw.crs).to_string()
        problems.append(
            f"read as {crs_name}, the lots span {minx:.3f},{miny:.3f} – {maxx:.3f},{maxy:.3f} "
            "(lon/lat), outside Kanazawa: is the file's CRS right?"
        )
        raise LotImportError(problems)
    metric = frame.to_crs(METRIC_CRS)
    parks_m = layers.parks.to_crs(METRIC_CRS)
    outside, found = outside_problems(
        metric, labels, parks_m.geometry, list(parks_m["park_id"]), tolerance=PARK_TOLERANCE_M
    )
    problems += outside
    for label, declared, park in zip(labels, frame["park_id"], found, strict=True):
        if park is not None and declared in PARK_IDS and park != declared:
            problems.append(f"{label}: declared in park {declared} but lies in {park}")
    problems += overlap_problems(metric, labels)
    if problems:
        raise LotImportError(problems)

    return _build_plan(frame, metric, layers, source_file, source, today or date.today())


def _attribute_problems(frame: gpd.GeoDataFrame, labels: list[str]) -> list[str]:
    problems: list[str] = []
    for label, park_id in zip(labels, frame["park_id"], strict=True):
        if park_id not in PARK_IDS:
            problems.append(
                f"{label}: unknown park_id {park_id!r}; expected one of {', '.join(PARK_IDS)}"
            )
    for label, status in zip(labels, frame["status"], strict=True):
        if status not in LOT_STATUSES:
            problems.append(
                f"{label}: unknown status {status!r}; expected one of {', '.join(LOT_STATUSES)}"
            )
    for label, lot_no in zip(labels, frame["lot_no"], strict=True):
        if not LOT_NO_PATTERN.match(lot_no):
            problems.append(
                f"{label[:60]}: lot_no {lot_no[:40]!r} is not a lot number: use letters, digits "
                "and - . _ inside (at most 32 characters)"
            )
    dupes = frame["lot_id"][frame["lot_id"].duplicated()].unique()
    problems += [f"lot id {d} appears more than once" for d in dupes]
    if "available_from" in frame.columns:
        for label, value in zip(labels, frame["available_from"], strict=True):
            if pd.isna(value) or value in ("", None):
                continue
            try:
                date.fromisoformat(str(value)[:10])
            except ValueError:
                problems.append(f"{label}: available_from {value!r} is not a date (YYYY-MM-DD)")
    if "price_per_m2" in frame.columns:
        for label, value in zip(labels, frame["price_per_m2"], strict=True):
            if pd.isna(value):
                continue
            try:
                ok = float(value) >= 0
            except (TypeError, ValueError):
                ok = False
            if not ok:
                problems.append(f"{label}: price_per_m2 {value!r} is not a non-negative number")
    return problems


def _build_plan(
    frame: gpd.GeoDataFrame,
    metric: gpd.GeoDataFrame,
    layers: Layers,
    source_file: Path,
    source: str | None,
    today: date,
) -> LotImportPlan:
    label = source or f"official lot layer {source_file.name}, imported {today.isoformat()}"

    def column(name: str) -> pd.Series:
        return (
            frame[name]
            if name in frame.columns
            else pd.Series([None] * len(frame), index=frame.index)
        )

    sources = column("source").where(column("source").notna() & (column("source") != ""), label)
    lots = gpd.GeoDataFrame(
        {
            "lot_id": frame["lot_id"],
            "park_id": frame["park_id"],
            "lot_no": frame["lot_no"],
            "phase": pd.to_numeric(column("phase"), errors="coerce"),
            "area_m2": metric.geometry.area.round(2),
            "published_area_m2": pd.to_numeric(column("area_m2"), errors="coerce"),
            "status": frame["status"],
            "available_from": column("available_from").map(
                lambda v: None if pd.isna(v) or v == "" else str(v)[:10]
            ),
            "price_per_m2": pd.to_numeric(column("price_per_m2"), errors="coerce"),
            "occupant": column("occupant"),
            "source": sources,
            "is_illustrative": False,
            "illustrative_reason": None,
        },
        geometry=frame.to_crs(WEB_CRS).geometry.values,
        crs=WEB_CRS,
    )
    # Only the parks present in the file are replaced; the others keep their lots.
    parks_in_file = set(lots["park_id"])
    kept = layers.lots[~layers.lots["park_id"].isin(parks_in_file)]
    old = layers.lots[layers.lots["park_id"].isin(parks_in_file)].set_index("lot_id")
    new = lots.set_index("lot_id")
    added = sorted(set(new.index) - set(old.index))
    removed = sorted(set(old.index) - set(new.index))
    changed: list[str] = []
    unchanged = 0
    for lot_id in sorted(set(new.index) & set(old.index)):
        a, b = old.loc[lot_id], new.loc[lot_id]
        diffs = []
        if a["status"] != b["status"]:
            diffs.append(f"status {a['status']} → {b['status']}")
        if abs(float(a["area_m2"]) - float(b["area_m2"])) > 1:
            diffs.append(f"area {a['area_m2']:,.0f} → {b['area_m2']:,.0f} m²")
        if bool(a["is_illustrative"]) != bool(b["is_illustrative"]):
            diffs.append("illustrative → official")
        if diffs:
            changed.append(f"{lot_id}: " + ", ".join(diffs))
        else:
            unchanged += 1
    prior = layers.lot_events
    latest = prior.sort_values("date", kind="stable").groupby("lot_id")["status"].last()
    new_events = [
        {
            "lot_id": lot_id,
            "date": today.isoformat(),
            "status": status,
            "source": src,
            "is_inferred": False,
            "note": "status from the imported lot layer",
        }
        for lot_id, status, src in zip(lots["lot_id"], lots["status"], lots["source"], strict=True)
        if latest.get(lot_id) != status
    ]
    events = pd.concat([prior, pd.DataFrame(new_events, columns=prior.columns)], ignore_index=True)
    merged = gpd.GeoDataFrame(
        pd.concat([kept, lots[kept.columns.intersection(lots.columns)]], ignore_index=True),
        geometry="geometry",
        crs=WEB_CRS,
    )
    return LotImportPlan(source_file, merged, events, added, removed, changed, unchanged)


def apply_lot_import(plan: LotImportPlan, data_dir: Path) -> None:
    """Write the plan's lots and events in one atomic step (old data kept on any failure)."""
    write_layers_atomic(gpkg_path(data_dir), {"lots": plan.lots, "lot_events": plan.events})
