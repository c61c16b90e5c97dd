"""The lot plan (parks/build/lot_plan.yaml): phases, lots with their areas, dated events, reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parks.errors import DataNotFoundError
from parks.facts import read_yaml

LOT_PLAN_PATH = Path(__file__).with_name("lot_plan.yaml")


def lot_plan(path: Path | None = None) -> dict[str, Any]:
    """Return the lot plan (default: parks/build/lot_plan.yaml)."""
    return read_yaml(LOT_PLAN_PATH if path is None else Path(path))


def park_facts(facts_dir: Path) -> dict[str, dict[str, Any]]:
    """Return the per-park facts of parks.yaml keyed by their facts id, plus the 2021-03 strategy."""
    data = read_yaml(Path(facts_dir) / "parks.yaml")
    by_id = {str(p["id"]): p for p in data.get("parks", [])}
    by_id["city_strategy_2021_03"] = data.get("city_strategy_2021_03", {})
    return by_id


@dataclass(frozen=True)
class PlannedLot:
    """One lot of the plan, before it has a geometry."""

    park_id: str
    lot_no: str
    phase: int
    area_m2: float
    published_area_m2: float | None
    area_basis: str
    opened: str | None
    opened_inferred: bool
    opened_source: str | None
    planned_from: str | None
    planned_source: str | None
    occupant: str | None
    source: str
    note: str | None
    position: str | None
    """A lot's own side hint (north, east, …) within its phase's zone."""
    phase_position: str | None
    """Where the phase lies in the park (west/centre/east, north/south, first/second, …)."""
    placement_source: str | None
    """The source sentence that puts the lot (or its phase) where it is drawn."""
    district: str | None

    @property
    def lot_id(self) -> str:
        """``park_id/lot_no``, the lot's stable id."""
        return f"{self.park_id}/{self.lot_no}"


AREA_SHARE = "equal share of what its phase (or park) leaves after the published lots"


def planned_lots(park_id: str, plan: dict[str, Any]) -> list[PlannedLot]:
    """Expand a park's plan into lots with their areas.

    A lot keeps its published (or derived) ``area_m2``; lots without one share equally what
    their phase's ``saleable_area_m2`` leaves, or, for phases without a published area, what
    the park's saleable area leaves after every phase with one.
    """
    phases = plan["phases"]
    fixed_park = 0.0
    open_park: list[dict[str, Any]] = []
    for ph in phases:
        if "saleable_area_m2" in ph:
            fixed_park += float(ph["saleable_area_m2"])
        else:
            fixed_park += sum(float(lot["area_m2"]) for lot in ph["lots"] if "area_m2" in lot)
            open_park += [lot for lot in ph["lots"] if "area_m2" not in lot]
    park_share = (float(plan["saleable_area_m2"]) - fixed_park) / max(len(open_park), 1)
    if open_park and park_share <= 0:
        msg = f"{park_id}: the published lots leave no area for the {len(open_park)} others"
        raise DataNotFoundError(msg)
    out: list[PlannedLot] = []
    for ph in phases:
        base = {
            "park_id": park_id,
            "phase": int(ph["phase"]),
            "opened_inferred": bool(ph.get("opened_inferred", False)),
            "opened_source": ph.get("opened_source"),
            "planned_source": ph.get("planned_source"),
            "phase_position": ph.get("position"),
        }
        if "lot_count" in ph:
            count, start = int(ph["lot_count"]), int(ph.get("lot_start", 1))
            each = float(ph["saleable_area_m2"]) / count
            out += [
                PlannedLot(
                    lot_no=f"{ph.get('lot_prefix', '')}{start + i}",
                    area_m2=each,
                    published_area_m2=None,
                    area_basis=AREA_SHARE,
                    opened=ph.get("opened"),
                    planned_from=ph.get("planned_from"),
                    occupant=None,
                    source=str(ph.get("opened_source", plan["saleable_area_source"])),
                    note=ph.get("note"),
                    position=None,
                    district=None,
                    placement_source=ph.get("position_source"),
                    **base,
                )
                for i in range(count)
            ]
            continue
        if "saleable_area_m2" in ph:
            named = sum(float(lot["area_m2"]) for lot in ph["lots"] if "area_m2" in lot)
            unnamed = sum(1 for lot in ph["lots"] if "area_m2" not in lot)
            each = (float(ph["saleable_area_m2"]) - named) / max(unnamed, 1)
        else:
            each = park_share
        for lot in ph["lots"]:
            has_area = "area_m2" in lot
            published = has_area and "area_basis" not in lot
            out.append(
                PlannedLot(
                    lot_no=str(lot["lot"]),
                    area_m2=float(lot["area_m2"]) if has_area else each,
                    published_area_m2=float(lot["area_m2"]) if published else None,
                    area_basis=(
                        "published"
                        if published
                        else str(lot["area_basis"])
                        if has_area
                        else AREA_SHARE
                    ),
                    opened=lot.get("opened", ph.get("opened")),
                    planned_from=lot.get("planned_from", ph.get("planned_from")),
                    occupant=lot.get("occupant"),
                    source=str(
                        lot.get("source", ph.get("opened_source", plan["saleable_area_source"]))
                    ),
                    note=lot.get("note"),
                    position=lot.get("position"),
                    district=lot.get("district"),
                    placement_source=lot.get("position_source", ph.get("position_source")),
                    **base,
                )
            )
    return out
