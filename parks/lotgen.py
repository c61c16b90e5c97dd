"""Illustrative lots and their status history, generated from the lot plan and a park outline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS
from geo.subdivide import split_by_areas, strips

ILLUSTRATIVE_REASON = (
    "No official lot plan is public: lot outlines are an illustrative subdivision of a derived "
    "park outline that reproduces the published lot counts and areas where published."
)


@dataclass(frozen=True)
class PlannedLot:
    """One lot of the plan, before it has a geometry."""

    park_id: str
    lot_no: str
    phase: int
    area_m2: float
    published_area_m2: float | None
    opened: str | None
    planned_from: str | None
    occupant: str | None
    source: str
    note: str | None


def planned_lots(park_id: str, plan: dict[str, Any]) -> list[PlannedLot]:
    """Expand a park's plan into lots with target areas (named areas kept, the rest shared)."""
    phases = plan["phases"]
    named_total = 0.0
    unnamed_count = 0
    for ph in phases:
        if "lot_count" in ph:
            continue
        for lot in ph["lots"]:
            if "area_m2" in lot:
                named_total += float(lot["area_m2"])
            else:
                unnamed_count += 1
    lots: list[PlannedLot] = []
    park_rest = float(plan["saleable_area_m2"]) - sum(
        float(ph.get("saleable_area_m2", 0)) for ph in phases if "lot_count" in ph
    )
    for ph in phases:
        base = {
            "park_id": park_id,
            "phase": int(ph["phase"]),
            "planned_from": ph.get("planned_from"),
        }
        if "lot_count" in ph:
            count = int(ph["lot_count"])
            each = float(ph["saleable_area_m2"]) / count
            for i in range(1, count + 1):
                lots.append(
                    PlannedLot(
                        lot_no=f"{ph.get('lot_prefix', '')}{i}",
                        area_m2=each,
                        published_area_m2=None,
                        opened=ph.get("opened"),
                        occupant=None,
                        source=str(ph.get("note", plan["saleable_area_source"])),
                        note=None,
                        **base,
                    )
                )
            continue
        if "saleable_area_m2" in ph:
            ph_named = sum(float(lot["area_m2"]) for lot in ph["lots"] if "area_m2" in lot)
            ph_unnamed = sum(1 for lot in ph["lots"] if "area_m2" not in lot)
            each = (float(ph["saleable_area_m2"]) - ph_named) / max(ph_unnamed, 1)
        else:
            each = (park_rest - named_total) / max(unnamed_count, 1)
        for lot in ph["lots"]:
            published = float(lot["area_m2"]) if "area_m2" in lot else None
            lots.append(
                PlannedLot(
                    lot_no=str(lot["lot"]),
                    area_m2=published if published is not None else each,
                    published_area_m2=published,
                    opened=lot.get("opened", ph.get("opened")),
                    occupant=lot.get("occupant"),
                    source=str(
                        lot.get("source", ph.get("opened_source", plan["saleable_area_source"]))
                    ),
                    note=lot.get("note"),
                    **base,
                )
            )
    return lots


def lay_out_lots(outline: BaseGeometry, lots: list[PlannedLot]) -> list[BaseGeometry]:
    """Cut a metric park outline into phase strips, then each strip into its lots."""
    phase_order: list[int] = []
    for lot in lots:
        if lot.phase not in phase_order:
            phase_order.append(lot.phase)
    phase_areas = [sum(lot.area_m2 for lot in lots if lot.phase == ph) for ph in phase_order]
    geoms: list[BaseGeometry] = []
    for ph, strip in zip(phase_order, strips(outline, phase_areas), strict=True):
        areas = [lot.area_m2 for lot in lots if lot.phase == ph]
        geoms.extend(split_by_areas(strip, areas))
    return geoms


def lot_events(park_id: str, plan: dict[str, Any], lots: list[PlannedLot]) -> list[dict[str, Any]]:
    """Build the status history of a park's lots from its opening dates and sales milestones."""
    events: list[dict[str, Any]] = []
    for lot in lots:
        lot_id = f"{park_id}/{lot.lot_no}"
        if lot.planned_from:
            events.append(_event(lot_id, lot.planned_from, "planned", lot.source, False, None))
        if lot.opened:
            events.append(
                _event(
                    lot_id,
                    lot.opened,
                    "available",
                    lot.source,
                    True,
                    "opening date as published (day assumed)",
                )
            )
    named_anywhere = {
        str(no)
        for m in plan.get("milestones", [])
        for key in ("named", "negotiating", "reserved")
        for no in m.get(key, [])
    }
    sold: set[str] = set()
    for m in sorted(plan.get("milestones", []), key=lambda m: str(m["date"])):
        scope = [lot for lot in lots if "phase" not in m or lot.phase == int(m["phase"])]
        note = m.get("note")
        for key, status in (("negotiating", "negotiating"), ("reserved", "reserved")):
            for no in m.get(key, []):
                events.append(
                    _event(f"{park_id}/{no}", m["date"], status, m["source"], False, note)
                )
        if "sold" not in m:
            continue
        in_scope_sold = [lot for lot in scope if lot.lot_no in sold]
        need = int(m["sold"]) - len(in_scope_sold)
        named = [str(no) for no in m.get("named", [])]
        unsold = [lot for lot in scope if lot.lot_no not in sold]
        ordered = (
            [lot for lot in unsold if lot.lot_no in named]
            + [lot for lot in unsold if lot.lot_no not in named_anywhere]
            + [lot for lot in unsold if lot.lot_no in named_anywhere and lot.lot_no not in named]
        )
        for lot in ordered[: max(need, 0)]:
            identified = lot.lot_no in named
            events.append(
                _event(
                    f"{park_id}/{lot.lot_no}",
                    m["date"],
                    "sold",
                    m["source"],
                    not identified,
                    "; ".join(
                        x
                        for x in (
                            note,
                            None
                            if identified
                            else "which lot sold is assumed; sold on or before this date",
                        )
                        if x
                    )
                    or None,
                )
            )
            sold.add(lot.lot_no)
    return events


def _event(
    lot_id: str, date: object, status: str, source: str, inferred: bool, note: str | None
) -> dict[str, Any]:
    return {
        "lot_id": lot_id,
        "date": str(date),
        "status": status,
        "source": str(source),
        "is_inferred": bool(inferred),
        "note": note,
    }


def lots_frame(
    park_id: str, outline_metric: BaseGeometry, plan: dict[str, Any]
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return the park's illustrative lots (METRIC_CRS) and their events."""
    lots = planned_lots(park_id, plan)
    geoms = lay_out_lots(outline_metric, lots)
    events = pd.DataFrame(lot_events(park_id, plan, lots))
    occupants = _occupants(plan)
    rows = []
    for lot, geom in zip(lots, geoms, strict=True):
        lot_id = f"{park_id}/{lot.lot_no}"
        mine = events[events["lot_id"] == lot_id].sort_values("date", kind="stable")
        status = str(mine["status"].iloc[-1]) if not mine.empty else None
        rows.append(
            {
                "lot_id": lot_id,
                "park_id": park_id,
                "lot_no": lot.lot_no,
                "phase": lot.phase,
                "area_m2": round(float(geom.area), 2),
                "published_area_m2": lot.published_area_m2,
                "status": status,
                "available_from": lot.opened,
                "price_per_m2": None,
                "occupant": lot.occupant or occupants.get(lot.lot_no),
                "source": lot.source,
                "is_illustrative": True,
                "illustrative_reason": ILLUSTRATIVE_REASON
                + (f" {plan['assumed']}" if plan.get("assumed") else "")
                + (f" Note: {lot.note}" if lot.note else ""),
                "geometry": geom,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
    return frame, events


def _occupants(plan: dict[str, Any]) -> dict[str, str]:
    """Occupants named by milestones for the lots they name."""
    out: dict[str, str] = {}
    for m in plan.get("milestones", []):
        if m.get("occupant"):
            for no in m.get("named", []):
                out[str(no)] = str(m["occupant"])
    return out
