"""Step 2 — lots: the saleable area laid out inside each outline, bounded by roads.

A lot lies inside one road-bounded block: the land between road centre lines less a
ROAD_SETBACK_M strip on each side (so no public road runs through a lot and its edges keep
clear of the roads). Each phase gets its zone of the outline where the sources put it
(west/centre/east, north/south, a named extension district); within a zone, blocks are
filled nearest its anchor first, a block larger than its lots is cut straight, and its part
is split into lots of exactly the planned areas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.blocks import cut_toward
from geo.subdivide import split_by_areas
from parks.build.outlines import Context, Outline, polygons_of, road_setback
from parks.build.plan import AREA_SHARE, PlannedLot
from parks.errors import DataNotFoundError

MIN_BLOCK_M2 = 300.0
"""Buildable pieces smaller than this are left as green space."""

FILL = 0.97
"""Share of a block's buildable area that lots may take (the rest stays as verge)."""

AXES = {
    "west": (0, 1.0, 0.0),
    "centre": (1, 1.0, 0.0),
    "east": (2, 1.0, 0.0),
    "south": (0, 0.0, 1.0),
    "north": (1, 0.0, 1.0),
}
"""Position -> (order along the axis, axis direction)."""

LONG_AXIS = {"first": 0, "second": 1, "third": 2}


@dataclass(frozen=True)
class Zone:
    """Where one group of lots goes, and the point they pack towards."""

    geometry: BaseGeometry
    anchor: Point


def buildable(outline: Outline, ctx: Context) -> BaseGeometry:
    """The outline less the road setback: the only land lots may take."""
    setback = road_setback(ctx, outline.geometry.buffer(50))
    return outline.geometry.difference(setback)


def lay_out_lots(
    outline: Outline, lots: Sequence[PlannedLot], ctx: Context
) -> dict[str, BaseGeometry]:
    """Return every lot's geometry (METRIC_CRS), keyed by lot_no."""
    land = buildable(outline, ctx)
    zones = _zones(outline, land, lots)
    taken: list[BaseGeometry] = []
    out: dict[str, BaseGeometry] = {}
    for key, zone in zones.items():
        members = [lot for lot in lots if _zone_key(lot) == key]
        spare, own = land, zone
        if taken:
            used = shapely.union_all(np.asarray(taken, dtype=object)).buffer(0.01)
            spare = land.difference(used)
            own = Zone(zone.geometry.difference(used), zone.anchor)  # an earlier zone's overflow
        placed = _place(own, members, outline.park_id, overflow=spare)
        out.update(placed)
        taken += list(placed.values())
    return out


def _zone_key(lot: PlannedLot) -> str:
    """Which zone a lot goes to: its district, or its phase."""
    return f"district:{lot.district}" if lot.district else f"phase:{lot.phase}"


def _zones(outline: Outline, land: BaseGeometry, lots: Sequence[PlannedLot]) -> dict[str, Zone]:
    """Split the outline's buildable land into one zone per phase or district."""
    districts = {lot.district for lot in lots if lot.district}
    district_keys = {k for k in outline.parts if k in districts or k.startswith("phase-")}
    core = shapely.union_all(
        np.asarray([g for k, g in outline.parts.items() if k not in district_keys], dtype=object)
    )
    core_land = core.intersection(land)
    zones: dict[str, Zone] = {}
    for name in sorted(districts):
        part = outline.parts[name].intersection(land)
        zones[f"district:{name}"] = Zone(part, part.representative_point())
    phases = sorted({lot.phase for lot in lots if not lot.district})
    # a phase living in a named extension district (e.g. inaho phase-2)
    for ph in list(phases):
        key = f"phase-{ph}"
        if key in outline.parts:
            part = outline.parts[key].intersection(land)
            zones[f"phase:{ph}"] = Zone(part, part.representative_point())
            phases.remove(ph)
    weights = {
        ph: sum(lot.area_m2 for lot in lots if lot.phase == ph and not lot.district)
        for ph in phases
    }
    positions = {ph: _position_of(lots, ph) for ph in phases}
    strips = _strips(core_land, phases, positions, weights)
    for ph, strip in strips.items():
        zones[f"phase:{ph}"] = Zone(strip, _anchor(strip))
    return zones


def _position_of(lots: Sequence[PlannedLot], phase: int) -> str:
    """The phase's position word (west, north, first, …), from the plan."""
    return next((str(lot.phase_position) for lot in lots if lot.phase == phase), "")


def _strips(
    land: BaseGeometry,
    phases: list[int],
    positions: dict[int, str],
    weights: dict[int, float],
) -> dict[int, BaseGeometry]:
    """Cut ``land`` across an axis into one strip per phase, sized by the phases' lot areas."""
    if len(phases) == 1:
        return {phases[0]: land}
    known = [positions[p] for p in phases]
    if all(p in AXES for p in known):
        order = sorted(phases, key=lambda p: AXES[positions[p]][0])
        _, ux, uy = AXES[positions[order[0]]]
    else:
        order = sorted(phases, key=lambda p: LONG_AXIS.get(positions[p], p))
        ux, uy = _long_axis(land)
    total = sum(weights[p] for p in order)
    coords = np.concatenate([np.asarray(g.exterior.coords) for g in polygons_of(land)])
    t = coords[:, 0] * ux + coords[:, 1] * uy
    lo_all, hi_all = float(t.min()), float(t.max())
    out: dict[int, BaseGeometry] = {}
    start, done = lo_all, 0.0
    for p in order[:-1]:
        done += weights[p]
        cut = _cut_at(land, ux, uy, lo_all, hi_all, done / total * land.area)
        out[p] = land.intersection(_band(ux, uy, start, cut, coords))
        start = cut
    out[order[-1]] = land.intersection(_band(ux, uy, start, hi_all + 1, coords))
    return out


def _long_axis(geom: BaseGeometry) -> tuple[float, float]:
    rect = shapely.minimum_rotated_rectangle(geom)
    xy = np.asarray(rect.exterior.coords)
    edges = np.diff(xy, axis=0)
    longest = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    ux, uy = longest / np.hypot(*longest)
    if ux < 0 or (ux == 0 and uy < 0):
        ux, uy = -ux, -uy
    return float(ux), float(uy)


def _band(ux: float, uy: float, lo: float, hi: float, coords: np.ndarray) -> BaseGeometry:
    """The band lo <= x·u < hi, as a polygon covering ``coords``."""
    vx, vy = -uy, ux
    s = coords[:, 0] * vx + coords[:, 1] * vy
    a, b = float(s.min()) - 10, float(s.max()) + 10
    pts = [(lo, a), (hi, a), (hi, b), (lo, b)]
    return shapely.Polygon([(t * ux + v * vx, t * uy + v * vy) for t, v in pts])


def _cut_at(land: BaseGeometry, ux: float, uy: float, lo: float, hi: float, area: float) -> float:
    """The coordinate along u below which ``land`` holds ``area``."""
    coords = np.concatenate([np.asarray(g.exterior.coords) for g in polygons_of(land)])
    a, b = lo, hi
    for _ in range(50):
        mid = (a + b) / 2
        if land.intersection(_band(ux, uy, lo - 1, mid, coords)).area < area:
            a = mid
        else:
            b = mid
    return (a + b) / 2


def _anchor(zone: BaseGeometry) -> Point:
    """The point a zone's lots pack towards: a point inside it."""
    return zone.representative_point() if not zone.is_empty else Point(0, 0)


def _toward(zone: BaseGeometry, side: str) -> Point:
    """A point beyond the ``side`` (north/south/east/west) edge of ``zone``."""
    minx, miny, maxx, maxy = zone.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return {
        "north": Point(cx, maxy + 500),
        "south": Point(cx, miny - 500),
        "east": Point(maxx + 500, cy),
        "west": Point(minx - 500, cy),
    }.get(side, Point(cx, cy))


def _place(
    zone: Zone, lots: Sequence[PlannedLot], park_id: str, *, overflow: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Pack ``lots`` into the blocks of ``zone``, nearest its anchor first.

    Lots with a published or derived area go first (side-hinted ones towards their side),
    each into the first block that holds it. Lots that only share what their phase leaves
    then fill the blocks left, as many per block as its land allows, their areas set so
    that together they keep exactly their share. A lot that fits in no block of its zone
    goes to the nearest block of ``overflow`` (the park's land no earlier zone took).
    """
    pieces = [p for p in polygons_of(zone.geometry) if p.area >= MIN_BLOCK_M2]
    own = len(pieces)
    extra = [
        p
        for p in polygons_of(overflow.difference(zone.geometry.buffer(0.01)))
        if p.area >= MIN_BLOCK_M2
    ]
    pieces += sorted(extra, key=lambda p: (p.distance(zone.anchor), p.area))
    remaining = {i: p.area * FILL for i, p in enumerate(pieces)}
    assigned: dict[int, list[tuple[PlannedLot, float]]] = {}
    anchors: dict[int, Point] = {}
    fixed = [lot for lot in lots if lot.area_basis != AREA_SHARE]
    flex = [lot for lot in lots if lot.area_basis == AREA_SHARE]
    groups: list[tuple[Point, list[PlannedLot]]] = [
        (_toward(zone.geometry, str(side)), [x for x in fixed if x.position == side])
        for side in dict.fromkeys(x.position for x in fixed if x.position)
    ]
    groups.append((zone.anchor, [x for x in fixed if not x.position]))

    def order(anchor: Point) -> list[int]:
        return sorted(remaining, key=lambda i: (i >= own, pieces[i].distance(anchor), i))

    for anchor, members in groups:
        for lot in members:
            slot = next((i for i in order(anchor) if remaining[i] >= lot.area_m2), None)
            if slot is None:
                raise _too_small(park_id, lot, remaining)
            assigned.setdefault(slot, []).append((lot, lot.area_m2))
            anchors.setdefault(slot, anchor)
            remaining[slot] -= lot.area_m2
    if flex:
        for slot, members_areas in _share_out(flex, order(zone.anchor), remaining, park_id).items():
            assigned.setdefault(slot, []).extend(members_areas)
            anchors.setdefault(slot, zone.anchor)
    out: dict[str, BaseGeometry] = {}
    for i, members_areas in assigned.items():
        out.update(_split_block(pieces[i], anchors[i], members_areas))
    return out


def _split_block(
    block: BaseGeometry, anchor: Point, members_areas: list[tuple[PlannedLot, float]]
) -> dict[str, BaseGeometry]:
    """Cut the lots out of one block, each lot one polygon where any tried cut allows.

    Tries the part of the block facing the anchor, then facing each side, with the lots in
    plan order and reversed; keeps the first layout with no lot in pieces (else the one
    with fewest pieces).
    """
    need = sum(a for _, a in members_areas)
    minx, miny, maxx, maxy = block.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    far = 10 * max(maxx - minx, maxy - miny, 1.0)
    towards = [anchor] + [Point(cx + dx * far, cy + dy * far) for dx, dy in SIDE_STEPS]
    best: dict[str, BaseGeometry] = {}
    best_pieces = math.inf
    for point in towards:
        piece = block
        if need < block.area * 0.999:
            piece = _single(cut_toward(block, point, need), need)
        for members in (members_areas, members_areas[::-1]):
            parts = split_by_areas(piece, [a for _, a in members])
            count = sum(len(polygons_of(g)) for g in parts)
            if count < best_pieces:
                best_pieces = count
                best = {lot.lot_no: g for (lot, _), g in zip(members, parts, strict=True)}
            if count == len(members):
                return best
    return best


SIDE_STEPS = ((0.0, 1.0), (1.0, 0.0), (0.0, -1.0), (-1.0, 0.0))


def _share_out(
    flex: Sequence[PlannedLot], order: list[int], remaining: dict[int, float], park_id: str
) -> dict[int, list[tuple[PlannedLot, float]]]:
    """Spread lots that share an area over blocks, in ``order``, keeping their total area.

    Blocks are taken in order until their free land holds the lots' total; each block gets
    a number of lots in proportion to its land, all of one area, scaled so the total holds.
    """
    total = sum(lot.area_m2 for lot in flex)
    nominal = total / len(flex)
    chosen: list[int] = []
    room = 0.0
    for i in order:
        if remaining[i] >= nominal * 0.6:
            chosen.append(i)
            room += remaining[i]
        if room >= total:
            break
    if room < total:
        msg = (
            f"{park_id}: {len(flex)} lots of about {nominal:,.0f} m² need {total:,.0f} m² but "
            f"the blocks left hold {room:,.0f} m²; the outline is too small"
        )
        raise DataNotFoundError(msg)
    counts = _apportion([remaining[i] for i in chosen], len(flex))
    used = [(i, k) for i, k in zip(chosen, counts, strict=True) if k > 0]
    scale = total / sum(remaining[i] for i, _ in used)
    out: dict[int, list[tuple[PlannedLot, float]]] = {}
    queue = list(flex)
    for i, k in used:
        each = remaining[i] * scale / k
        out[i] = [(queue.pop(0), each) for _ in range(k)]
    return out


def _apportion(weights: list[float], n: int) -> list[int]:
    """Split ``n`` items over ``weights`` by largest remainder (Hamilton's method)."""
    total = sum(weights)
    quotas = [w / total * n for w in weights]
    counts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _too_small(park_id: str, lot: PlannedLot, remaining: dict[int, float]) -> DataNotFoundError:
    biggest = max(remaining.values(), default=0.0)
    msg = (
        f"{park_id}: lot {lot.lot_no} ({lot.area_m2:,.0f} m²) fits in no block of its zone "
        f"or the park (largest free {biggest:,.0f} m²); the outline is too small"
    )
    return DataNotFoundError(msg)


def _single(geom: BaseGeometry, area: float) -> BaseGeometry:
    """Keep a cut piece whole: if it fell apart, keep its largest part when that is enough."""
    polys = polygons_of(geom)
    if len(polys) <= 1:
        return geom
    return max(polys, key=lambda p: p.area) if max(p.area for p in polys) >= area * 0.999 else geom


def lot_shape_ok(geom: BaseGeometry, area: float) -> bool:
    """True when a lot is one polygon of the planned area (within 0.1 %)."""
    return len(polygons_of(geom)) == 1 and math.isclose(geom.area, area, rel_tol=1e-3)


ILLUSTRATIVE_REASON = (
    "No official lot plan is public: lot outlines are an illustrative layout inside a derived "
    "park outline, bounded by the 2017 roads, that keeps the published lot counts and areas "
    "where published."
)


def lots_frame(
    park_id: str,
    lots: Sequence[PlannedLot],
    geoms: dict[str, BaseGeometry],
    latest_status: dict[str, dict[str, object]],
    assumed: str | None,
) -> list[dict[str, object]]:
    """The lots layer rows of one park (geometries in METRIC_CRS)."""
    rows: list[dict[str, object]] = []
    for lot in lots:
        state = latest_status.get(lot.lot_id, {})
        geom = geoms[lot.lot_no]
        reason = ILLUSTRATIVE_REASON + (f" {assumed}" if assumed else "")
        if lot.note:
            reason += f" Note: {lot.note}"
        rows.append(
            {
                "lot_id": lot.lot_id,
                "park_id": park_id,
                "lot_no": lot.lot_no,
                "phase": lot.phase,
                "area_m2": round(float(geom.area), 2),
                "published_area_m2": lot.published_area_m2,
                "area_basis": lot.area_basis,
                "status": state.get("status"),
                "available_from": lot.opened,
                "price_per_m2": None,
                "occupant": lot.occupant or state.get("occupant"),
                "source": lot.source
                + (
                    f"; placed as the source says: {lot.placement_source}"
                    if lot.placement_source
                    else ""
                ),
                "is_illustrative": True,
                "illustrative_reason": reason,
                "geometry": geom,
            }
        )
    return rows
