"""The planner's own data: census small areas and land cover (data/planning.gpkg, landcover.tif).

Kept apart from ``kanazawa.gpkg`` so the planning build and the park build never touch each
other's file. Built by ``siting build-planning`` (:mod:`parks.planning.build`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.crs import WEB_CRS
from geo.io import list_layers, read_vector
from parks.errors import DataNotFoundError
from parks.messages import N_

PLANNING_GPKG = "planning.gpkg"
"""File name of the planning GeoPackage inside the data directory."""

LANDCOVER_TIF = "landcover.tif"
"""File name of the clipped land-cover raster inside the data directory."""

SMALL_AREA_COLUMNS = (
    "small_area_id",
    "name_ja",
    "municipality_code",
    "municipality_ja",
    "municipality_en",
    "area_m2",
    "population",
    "households",
    "is_main_part",
    "source",
)
"""Columns of the ``small_areas`` layer (points: each small area's census centroid)."""

CENSUS_SOURCE = N_(
    "出典：政府統計の総合窓口(e-Stat) 国勢調査 小地域 平成27年 (2015 census small areas), converted"
)
"""Credit of every small-area row."""


@dataclass(frozen=True, eq=False)
class PlanningData:
    """The planner's layers, loaded once (EPSG:4326)."""

    data_dir: Path
    small_areas: gpd.GeoDataFrame
    landcover_path: Path
    built_up: gpd.GeoDataFrame = field(
        default_factory=lambda: gpd.GeoDataFrame(
            {"class": [], "source": []}, geometry=[], crs=WEB_CRS
        )
    )
    """Developed land from OpenStreetMap (land uses, buildings): excluded from candidates."""
    _cache: dict[str, object] = field(default_factory=dict, repr=False)


def planning_path(data_dir: Path) -> Path:
    """Return the path of ``planning.gpkg`` inside ``data_dir``."""
    return Path(data_dir) / PLANNING_GPKG


def load_planning(data_dir: Path) -> PlanningData:
    """Load the planning layers from ``data_dir``.

    Raises
    ------
    DataNotFoundError
        If ``planning.gpkg`` or ``landcover.tif`` is missing (build them with
        ``siting build-planning``).
    """
    path = planning_path(data_dir)
    raster = Path(data_dir) / LANDCOVER_TIF
    missing = [str(p) for p in (path, raster) if not p.exists()]
    if missing:
        msg = f"no planning data at {', '.join(missing)}; build it with `siting build-planning`"
        raise DataNotFoundError(msg)
    if "small_areas" not in list_layers(path):
        msg = f"{path} lacks layer small_areas; rebuild with `siting build-planning`"
        raise DataNotFoundError(msg)
    areas = read_vector(path, "small_areas").to_crs(WEB_CRS)
    lacking = [c for c in SMALL_AREA_COLUMNS if c not in areas.columns]
    if lacking:
        msg = f"{path} small_areas lacks column(s) {', '.join(lacking)}; rebuild it"
        raise DataNotFoundError(msg)
    areas["population"] = pd.to_numeric(areas["population"]).fillna(0).astype("int64")
    planning = PlanningData(data_dir=Path(data_dir), small_areas=areas, landcover_path=raster)
    if "built_up" in list_layers(path):
        built = read_vector(path, "built_up").to_crs(WEB_CRS)
        planning = PlanningData(
            data_dir=Path(data_dir), small_areas=areas, landcover_path=raster, built_up=built
        )
    return planning
