"""The offline build pipeline: raw public sources -> data/kanazawa.gpkg, in readable steps.

1. :mod:`parks.build.outlines` — park outlines from road blocks and census small areas;
2. :mod:`parks.build.lots` — lots inside the outlines, bounded by roads;
3. :mod:`parks.build.history` — each lot's dated status events;
4. :mod:`parks.build.zones` — the subsidy zones;
5. :mod:`parks.build.facts` — the parks layer and the copied fact files;
6. :mod:`parks.build.checks` — the independent checks ``siting check-data`` runs.

The web app never imports this package: it reads what the build wrote into ``data/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import write_layers_atomic
from parks.build import basemap, sources
from parks.build.facts import parks_layer, write_facts
from parks.build.history import latest, lot_events
from parks.build.lots import lay_out_lots, lots_frame
from parks.build.outlines import Outline, build_context, derive_outline
from parks.build.plan import PlannedLot, lot_plan, park_facts, planned_lots
from parks.build.zones import build_zones
from parks.data import GPKG_NAME, PARK_IDS

Progress = Callable[[str], None]

EVENT_COLUMNS = ["lot_id", "date", "status", "source", "is_inferred", "note"]

__all__ = ["build_dataset"]


def build_dataset(
    raw_dir: Path, facts_dir: Path, out_dir: Path, progress: Progress = print
) -> Path:
    """Build every layer and write ``out_dir/kanazawa.gpkg`` in one atomic step.

    Also copies the fact YAML files into ``out_dir/facts`` (parks.yaml with the dated
    reports appended). Raises DataNotFoundError naming every missing input before anything
    is written.
    """
    raw_dir, facts_dir, out_dir = Path(raw_dir), Path(facts_dir), Path(out_dir)
    sources.require_inputs(raw_dir, facts_dir)
    facts = park_facts(facts_dir)
    plan = lot_plan()
    progress("reading roads, water and rail (OSM 2017)")
    transport = sources.read_osm(raw_dir, "transportation")
    water = sources.read_osm(raw_dir, "water")
    layers: dict[str, Any] = {}
    layers["roads"] = basemap.roads_layer(transport)
    layers["water"] = basemap.water_layer(water)
    layers["boundary"] = basemap.boundary_layer(raw_dir)
    layers["expressways"] = basemap.expressways_layer(raw_dir)
    layers["rail"], layers["stations"] = basemap.rail_layers(raw_dir)
    progress("placing the destinations (interchanges, port, airport terminal, station)")
    airport, airport_source = basemap.airport_terminal(
        sources.read_osm(raw_dir, "aeroway"), sources.read_osm(raw_dir, "building"), layers["roads"]
    )
    layers["destinations"] = basemap.destinations_layer(raw_dir, airport, airport_source)
    progress("deriving park outlines from road blocks and census small areas")
    ctx = build_context(
        transport,
        water,
        sources.read_city(raw_dir),
        sources.expressway_lines(raw_dir, transport),
        sources.read_small_areas(raw_dir),
        sources.read_towns(raw_dir),
    )
    outlines: dict[str, Outline] = {}
    taken = shapely.Polygon()
    for park_id in PARK_IDS:
        outline = derive_outline(park_id, plan["parks"][park_id]["outline"], ctx, taken)
        outlines[park_id] = outline
        taken = shapely.union(taken, outline.geometry)
    progress("laying out lots between the roads and dating their history")
    planned: dict[str, list[PlannedLot]] = {}
    lot_rows: list[dict[str, Any]] = []
    event_frames: list[pd.DataFrame] = []
    for park_id in PARK_IDS:
        p = plan["parks"][park_id]
        planned[park_id] = planned_lots(park_id, p)
        geoms = lay_out_lots(outlines[park_id], planned[park_id], ctx)
        events = lot_events(park_id, p, planned[park_id])
        lot_rows += lots_frame(park_id, planned[park_id], geoms, latest(events), p.get("assumed"))
        event_frames.append(events[EVENT_COLUMNS])
    layers["lots"] = gpd.GeoDataFrame(lot_rows, geometry="geometry", crs=METRIC_CRS).to_crs(WEB_CRS)
    layers["lot_events"] = pd.concat(event_frames, ignore_index=True)
    layers["parks"] = parks_layer(outlines, planned, facts, plan).to_crs(WEB_CRS)
    progress("drawing subsidy zones")
    layers["zones"] = build_zones(
        layers["parks"], sources.read_towns(raw_dir), layers["destinations"]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    progress(f"writing {out_dir / GPKG_NAME}")
    write_layers_atomic(out_dir / GPKG_NAME, layers, keep_existing=False)
    write_facts(facts_dir, out_dir, plan)
    return out_dir / GPKG_NAME
