"""Step 1 — park outlines: road-bounded blocks grown around the parks' census small areas.

No park outline is published. Each outline is derived from independent public layers under
hard constraints:

- it lies inside Kanazawa (N03), unless a source places the park across the border;
- it holds no expressway or ramp carriageway (N06 sections, OSM motorway and ramps), and an
  interchange (the faces its ramps enclose) is a barrier;
- a park that is a census small area of its own (北陽台, いなほ, かたつ) covers it: road-bounded
  blocks, cut into cells, are grown around each small area's census centroid until they
  reach its census area;
- a park that is only part of a small area (河原市町, 打木町 also hold homes and farms) is
  grown from the places the sources name until its buildable land (blocks less the road
  setbacks) can hold the published saleable area;
- an extension district is grown next to the park on the side its source gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from geo.blocks import grow_regions, road_blocks, split_cells
from geo.crs import METRIC_CRS
from parks.build.sources import ExpresswayLines, small_area, town_point
from parks.errors import DataNotFoundError

CELL_M = 60.0
"""Blocks larger than two cells are cut into cells of this size before growing."""

WINDOW_M = 1200.0
"""Blocks are formed within this distance of a park's seeds."""

EXPRESSWAY_CLEARANCE_M = 25.0
"""Half-width kept clear around every expressway and ramp centre line."""

IC_FACE_MAX_M2 = 400_000.0
"""Faces enclosed by ramps and carriageways up to this size are interchange land."""

CITY_INSET_M = 3.0
"""Outlines stay this far inside the city boundary."""

ROAD_SETBACK_M = 6.0
"""Lots keep this distance from every road centre line (half a typical 12 m park road)."""

PACKING_SLACK = 1.12
"""Buildable land grown per m² of published saleable area, for parks drawn by capacity."""

SIDES = {
    "north": (0.0, 1.0),
    "south": (0.0, -1.0),
    "east": (1.0, 0.0),
    "west": (-1.0, 0.0),
}


@dataclass(frozen=True)
class Context:
    """The metric layers every outline is derived from."""

    lines: gpd.GeoSeries
    """Every transport centre line (roads of all classes, service ways, rail) plus N06."""
    barrier: BaseGeometry
    """Expressway and ramp clearance, interchange faces and water."""
    city: BaseGeometry
    """Kanazawa, inset by CITY_INSET_M."""
    small_areas: gpd.GeoDataFrame
    towns: gpd.GeoDataFrame
    major_lines: gpd.GeoSeries
    """Trunk and primary roads, motorway and N06 (metric)."""


@dataclass(frozen=True)
class Outline:
    """One park's derived outline and the parts it was grown from (METRIC_CRS)."""

    park_id: str
    geometry: BaseGeometry
    parts: dict[str, BaseGeometry] = field(default_factory=dict)
    """Named parts: each small area's region, the core of a partial park, each district."""
    method: str = ""
    confidence: str = ""
    sources: list[str] = field(default_factory=list)


def expressway_barrier(
    lines: ExpresswayLines, *, clearance_m: float = EXPRESSWAY_CLEARANCE_M
) -> BaseGeometry:
    """Return the land no park may take: carriageway clearance plus interchange faces (metric).

    The faces are the polygons that the carriageways and ramps enclose on their own (the
    loops and wedges of an interchange); they are barred whole.
    """
    metric = lines.all_lines().to_crs(METRIC_CRS)
    geoms = metric.geometry.to_numpy()
    corridor = shapely.union_all(shapely.buffer(geoms, clearance_m, quad_segs=4))
    noded = shapely.node(shapely.union_all(geoms))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) <= IC_FACE_MAX_M2]
    return shapely.union(corridor, shapely.union_all(faces))


def build_context(
    transport: gpd.GeoDataFrame,
    water: gpd.GeoDataFrame,
    city: BaseGeometry,
    expressways: ExpresswayLines,
    small_areas: gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
) -> Context:
    """Reproject the inputs and assemble the barrier shared by every park."""
    lines = gpd.GeoSeries(
        list(transport.geometry.values) + list(expressways.n06.values), crs=transport.crs
    ).to_crs(METRIC_CRS)
    water_m = water.to_crs(METRIC_CRS).geometry
    barrier = shapely.union(
        expressway_barrier(expressways), shapely.union_all(water_m.to_numpy()).buffer(3)
    )
    city_m = gpd.GeoSeries([city], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
    is_major = transport["class"].isin(MAJOR_CLASSES).to_numpy()
    major = gpd.GeoSeries(
        list(transport.geometry.values[is_major]) + list(expressways.n06.values),
        crs=transport.crs,
    ).to_crs(METRIC_CRS)
    return Context(
        major_lines=major,
        lines=lines,
        barrier=barrier,
        city=city_m.buffer(-CITY_INSET_M),
        small_areas=small_areas.to_crs(METRIC_CRS),
        towns=towns.to_crs(METRIC_CRS),
    )


def road_setback(ctx: Context, window: BaseGeometry) -> BaseGeometry:
    """The strip within ROAD_SETBACK_M of any centre line inside ``window`` (no lot there)."""
    near = ctx.lines[ctx.lines.intersects(window)].to_numpy()
    return shapely.union_all(shapely.buffer(near, ROAD_SETBACK_M, quad_segs=4))


def _cells(
    ctx: Context, seeds: BaseGeometry, taken: BaseGeometry
) -> tuple[np.ndarray, BaseGeometry]:
    """Cells of the road-bounded blocks near ``seeds``, and what they must not take."""
    window = seeds.buffer(WINDOW_M)
    near = ctx.lines[ctx.lines.intersects(window)].to_numpy()
    blocks = road_blocks(shapely.intersection(near, window), frame=window)
    cells = split_cells(blocks, CELL_M)
    outside = window.difference(ctx.city)
    barrier = shapely.intersection(ctx.barrier, window)
    exclude = shapely.union_all(np.asarray([barrier, outside, taken], dtype=object))
    return cells, exclude


MAJOR_CLASSES = ("motorway", "trunk", "primary", "secondary")
"""Road classes a park does not straddle unless its land on one side runs out."""

OFF_AREA_PENALTY_M = 5_000.0
"""Added distance for a cell outside the park's own small area (weighted Voronoi cell)."""

BUILT_UP_PER_HA = 20.0
"""Residents per hectare above which a small area is treated as built-up (not farmland)."""

MAJOR_GAP_M = 10.0
"""Major roads that end within twice this of each other are taken to meet."""

ACROSS_MAJOR_PENALTY_M = 2_000.0
"""Added distance for a cell across a trunk or primary road from the seed."""


def small_area_owner(points: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Index (into ``areas``) of the small area each point most likely lies in.

    The census gives each small area's centroid and area, not its polygon; a point is put
    in the small area whose power distance d² − area/π is least (a Voronoi diagram of the
    centroids weighted by each area's radius), which favours large areas as a real map does.
    """
    cx = areas.geometry.x.to_numpy()
    cy = areas.geometry.y.to_numpy()
    weight = areas["area_m2"].to_numpy() / np.pi
    px = shapely.get_x(points)[:, None]
    py = shapely.get_y(points)[:, None]
    power = (px - cx) ** 2 + (py - cy) ** 2 - weight
    owner: np.ndarray = np.argmin(power, axis=1)
    return owner


def _penalties(
    ctx: Context, cells: np.ndarray, seeds: list[Point], allowed: list[set[str]]
) -> np.ndarray:
    """Per seed and cell: distance added outside the seed's small area or across major roads."""
    inner = shapely.point_on_surface(cells)
    window = shapely.union_all([s.buffer(WINDOW_M * 2) for s in seeds])
    areas = ctx.small_areas[ctx.small_areas.intersects(window)]
    owner = areas["name"].to_numpy()[small_area_owner(inner, areas)]
    major = ctx.major_lines[ctx.major_lines.intersects(window)].to_numpy()
    # buffered, so that carriageways that nearly meet (z13 simplification) still close a face
    walls = shapely.union_all(shapely.buffer(major, MAJOR_GAP_M, quad_segs=2))
    faces = shapely.get_parts(shapely.difference(window, walls))
    out = np.zeros((len(seeds), len(cells)))
    for k, seed in enumerate(seeds):
        face = min(faces, key=lambda f: f.distance(seed), default=None)
        if allowed[k]:
            out[k] += np.where(np.isin(owner, list(allowed[k])), 0.0, OFF_AREA_PENALTY_M)
        else:  # an extension: keep off built-up small areas (homes), farmland is fine
            density = areas["population"].to_numpy() / (areas["area_m2"].to_numpy() / 1e4)
            crowded = set(areas["name"].to_numpy()[density > BUILT_UP_PER_HA])
            out[k] += np.where(np.isin(owner, list(crowded)), OFF_AREA_PENALTY_M, 0.0)
        if face is not None:
            shapely.prepare(face)
            out[k] += np.where(shapely.contains(face, inner), 0.0, ACROSS_MAJOR_PENALTY_M)
    return out


SEED_AXIS_STRETCH = 2.0
"""Along the line through a park's seeds, distances count this many times less."""


def _stretch(
    seeds: list[Point], factor: float
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """Affine maps that shrink distances along the seeds' main axis by ``factor``, and back."""
    xy = np.array([(p.x, p.y) for p in seeds])
    origin = xy.mean(axis=0)
    if len(xy) > 1:
        _, _, vt = np.linalg.svd(xy - origin)
        ux, uy = vt[0]
    else:
        ux, uy = 1.0, 0.0
    rot = np.array([[ux, uy], [-uy, ux]])
    fwd = np.diag([1.0 / factor, 1.0]) @ rot
    inv = np.linalg.inv(fwd)

    def forward(geoms: np.ndarray) -> np.ndarray:
        out: np.ndarray = shapely.transform(geoms, lambda c: (c - origin) @ fwd.T)
        return out

    def back(geoms: np.ndarray) -> np.ndarray:
        out: np.ndarray = shapely.transform(geoms, lambda c: c @ inv.T + origin)
        return out

    return forward, back


def _seed(ctx: Context, spec: Mapping[str, Any]) -> Point:
    """A seed point from the plan: a census centroid or a town (koaza) point."""
    if "census" in spec:
        point: Point = small_area(ctx.small_areas, str(spec["census"])).geometry
        return point
    if "town" in spec:
        return town_point(ctx.towns, str(spec["town"]), spec.get("koaza"))
    msg = f"an outline seed needs 'census' or 'town', got {dict(spec)}"
    raise DataNotFoundError(msg)


def derive_outline(
    park_id: str, spec: Mapping[str, Any], ctx: Context, taken: BaseGeometry
) -> Outline:
    """Derive one park's outline from its plan ``spec`` (see parks/build/lot_plan.yaml)."""
    parts: dict[str, BaseGeometry] = {}
    if spec.get("small_areas"):
        names = [str(n) for n in spec["small_areas"]]
        rows = [small_area(ctx.small_areas, n) for n in names]
        seeds = [r.geometry for r in rows]
        cells, exclude = _cells(ctx, MultiPoint(seeds), taken)
        penalty = _penalties(ctx, cells, seeds, [{n} for n in names])
        # grow along the line of the seeds: neighbouring small areas of one park meet
        forward, back = _stretch(seeds, SEED_AXIS_STRETCH if len(seeds) > 1 else 1.0)
        scale = 1.0 / (SEED_AXIS_STRETCH if len(seeds) > 1 else 1.0)
        grown = grow_regions(
            forward(cells),
            list(forward(np.asarray(seeds, dtype=object))),
            [float(r["area_m2"]) * scale for r in rows],
            exclude=forward(np.asarray([exclude], dtype=object))[0],
            penalty=penalty,
        )
        for name, region in zip(names, grown, strict=True):
            parts[name] = back(np.asarray([region.geometry], dtype=object))[0]
        method = (
            "Derived: OSM 2017 road and rail lines noded into blocks, blocks cut into "
            f"{CELL_M:.0f} m cells, cells grown around each census small area's centroid "
            f"({', '.join(names)}) until they reach its 2015 census area; expressway and ramp "
            f"clearance ({EXPRESSWAY_CLEARANCE_M:.0f} m), interchange faces, water and land "
            "outside Kanazawa (N03) are never taken."
        )
    else:
        seeds = [_seed(ctx, s) for s in spec["seeds"]]
        seed = MultiPoint(seeds)
        cells, exclude = _cells(ctx, seed, taken)
        setback = road_setback(ctx, seed.buffer(WINDOW_M))
        buildable = shapely.area(shapely.difference(cells, setback))
        need = float(spec["capacity_m2"]) * float(spec.get("packing_slack", PACKING_SLACK))
        penalty = _penalties(ctx, cells, [seed], [{str(spec["part_of"])}])
        grown = grow_regions(
            cells, [seed], [need], exclude=exclude, measure=buildable, penalty=penalty
        )
        parts["core"] = grown[0].geometry
        method = (
            f"Derived: the park is only part of the census small area {spec['part_of']} "
            "(which also holds homes and farmland), so OSM 2017 road-bounded blocks (cut into "
            f"{CELL_M:.0f} m cells) are grown from {spec.get('seed_note', 'the named places')} "
            "until the land between road setbacks can hold the published saleable area; "
            "expressway and ramp clearance, interchange faces, water and land outside "
            "Kanazawa (N03) are never taken."
        )
    core = shapely.union_all(np.asarray(list(parts.values()), dtype=object))
    for district in spec.get("districts") or []:
        name = str(district["name"])
        seed_point = _district_seed(core, str(district.get("side", "any")))
        cells, exclude = _cells(ctx, seed_point, shapely.union(taken, core))
        penalty = _penalties(ctx, cells, [core.representative_point()], [set()])
        setback = road_setback(ctx, seed_point.buffer(WINDOW_M))
        grown_district = grow_regions(
            cells,
            [seed_point],
            [float(district["capacity_m2"]) * PACKING_SLACK],
            exclude=exclude,
            measure=shapely.area(shapely.difference(cells, setback)),
            penalty=penalty,
            attach_to=core,
        )
        parts[name] = grown_district[0].geometry
        core = shapely.union(core, grown_district[0].geometry)
    geometry = _clean(core)
    return Outline(
        park_id=park_id,
        geometry=geometry,
        parts={k: _clean(v) for k, v in parts.items()},
        method=method,
        confidence=str(spec.get("confidence", "low")),
        sources=[str(s) for s in spec.get("sources") or []],
    )


def _district_seed(core: BaseGeometry, side: str) -> Point:
    """A point just outside ``core`` on ``side`` (north/south/east/west), or its centroid."""
    centre = core.centroid
    if side not in SIDES:
        return Point(centre.x, centre.y)
    ux, uy = SIDES[side]
    minx, miny, maxx, maxy = core.bounds
    reach = max(maxx - minx, maxy - miny)
    ray = shapely.LineString([(centre.x, centre.y), (centre.x + ux * reach, centre.y + uy * reach)])
    hit = ray.intersection(core)
    far = max(
        (Point(c) for part in shapely.get_parts(hit) for c in part.coords),
        key=lambda p: p.distance(centre),
        default=centre,
    )
    return Point(far.x + ux * CELL_M, far.y + uy * CELL_M)


def _clean(geom: BaseGeometry) -> BaseGeometry:
    """Make valid, drop slivers under 50 m² and holes under 200 m²."""
    polys = [p for p in polygons_of(shapely.make_valid(geom)) if p.area >= 50]
    cleaned = []
    for p in polys:
        holes = [h for h in p.interiors if shapely.Polygon(h).area >= 200]
        cleaned.append(shapely.Polygon(p.exterior, holes))
    return shapely.union_all(np.asarray(cleaned, dtype=object))


def polygons_of(geom: BaseGeometry) -> list[shapely.Polygon]:
    """Every polygon in ``geom``, however deeply nested in collections."""
    out: list[shapely.Polygon] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(polygons_of(part))
    return out
