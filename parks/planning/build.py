"""Build the planner's data (data/planning.gpkg, data/landcover.tif) from the raw sources.

Offline pipeline: the runtime never imports this module.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.shutil

from geo.crs import WEB_CRS
from geo.io import read_vector, write_layers_atomic
from geo.raster import shifted, window_covering
from parks.errors import DataNotFoundError
from parks.planning.data import (
    CENSUS_SOURCE,
    LANDCOVER_TIF,
    SMALL_AREA_COLUMNS,
    planning_path,
)
from parks.planning.landcover import LANDCOVER_CLASSES, LANDCOVER_SOURCE

Progress = Callable[[str], None]

CENSUS_CSV = "estat-h27-small-areas/ishikawa_h27_small_areas.csv"
MUNICIPALITIES = "ksj-n03-gyosei-kuiki/ishikawa_study_area_municipalities_n03.gpkg"
JAXA = "jaxa-hrlulc-250m/kanazawa_jaxa_hrlulc_v23.12_250m_clip.tif"
OSM = "osm-openmaptiles-jp1710/kanazawa_osm_openmaptiles_z13_2017.gpkg"
OSM_SOURCE = (
    "OpenStreetMap 2017-10 via OpenMapTiles z13 (ODbL; © OpenMapTiles © OpenStreetMap contributors)"
)
BUILT_UP_LANDUSE = (
    "residential",
    "commercial",
    "retail",
    "industrial",
    "school",
    "kindergarten",
    "college",
    "university",
    "hospital",
    "cemetery",
    "stadium",
    "library",
)
"""OpenStreetMap land uses that count as developed land (never a candidate site)."""

MUNICIPALITY_EN = {
    "17201": "Kanazawa",
    "17203": "Komatsu",
    "17209": "Kahoku",
    "17210": "Hakusan",
    "17211": "Nomi",
    "17212": "Nonoichi",
    "17324": "Kawakita",
    "17361": "Tsubata",
    "17365": "Uchinada",
}
"""Kanazawa and the municipalities around it that lie in the study area (N03 layer): the
commuting neighbours whose residents make up the labour shed."""

LANDCOVER_BOUNDS = (136.45, 36.30, 136.90, 36.75)
"""lon/lat window kept of the land-cover clip: the city and a margin around it."""


def _noop(_: str) -> None:
    return None


def small_areas_frame(raw_dir: Path) -> gpd.GeoDataFrame:
    """Return the census small areas of the study municipalities as centroid points.

    A small area split into several parts has one row per part (the census lists each
    part); ``is_main_part`` marks the largest, and the parts keep their own population.
    """
    path = Path(raw_dir) / CENSUS_CSV
    muni_path = Path(raw_dir) / MUNICIPALITIES
    for p in (path, muni_path):
        if not p.exists():
            msg = f"raw source not found: {p}"
            raise DataNotFoundError(msg)
    table = pd.read_csv(path, dtype={"KEY_CODE": str, "KEN": str, "CITY": str})
    munis = read_vector(muni_path, "municipalities")
    names = dict(zip(munis["N03_007"].astype(str), munis["N03_004"].astype(str), strict=True))
    code = "17" + table["CITY"].astype(str).str.zfill(3)
    keep = code.isin(list(MUNICIPALITY_EN))
    table = table[keep].copy()
    code = code[keep]
    part = table.groupby("KEY_CODE").cumcount() + 1
    ids = table["KEY_CODE"] + np.where(
        table.duplicated("KEY_CODE", keep=False), "-" + part.astype(str), ""
    )
    frame = pd.DataFrame(
        {
            "small_area_id": ids.to_numpy(),
            "name_ja": table["MOJI"].astype(str).to_numpy(),
            "municipality_code": code.to_numpy(),
            "municipality_ja": code.map(names).to_numpy(),
            "municipality_en": code.map(MUNICIPALITY_EN).to_numpy(),
            "area_m2": table["AREA"].astype(float).round(1).to_numpy(),
            "population": table["JINKO"].fillna(0).astype("int64").to_numpy(),
            "households": table["SETAI"].fillna(0).astype("int64").to_numpy(),
            "is_main_part": (table["AREA_MAX_F"] == "M").to_numpy(),
            "source": CENSUS_SOURCE,
        }
    )
    geometry = gpd.points_from_xy(table["X_CODE"], table["Y_CODE"], crs=WEB_CRS)
    out = gpd.GeoDataFrame(frame, geometry=geometry, crs=WEB_CRS)
    assert tuple(c for c in out.columns if c != "geometry") == SMALL_AREA_COLUMNS
    if out["small_area_id"].duplicated().any():
        msg = "census small-area ids are not unique after numbering the parts"
        raise DataNotFoundError(msg)
    return out


def built_up_frame(raw_dir: Path) -> gpd.GeoDataFrame:
    """Return OpenStreetMap's developed land uses and large buildings (EPSG:4326).

    The 250 m land cover misses villages and works among fields; these polygons add them
    to the built-up exclusion.
    """
    path = Path(raw_dir) / OSM
    if not path.exists():
        msg = f"raw source not found: {path}"
        raise DataNotFoundError(msg)
    landuse = read_vector(path, "landuse")
    landuse = landuse[landuse["class"].isin(BUILT_UP_LANDUSE)]
    buildings = read_vector(path, "building")
    frame = pd.concat(
        [
            pd.DataFrame({"class": landuse["class"].astype(str), "geometry": landuse.geometry}),
            pd.DataFrame({"class": "building", "geometry": buildings.geometry}),
        ],
        ignore_index=True,
    )
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=landuse.crs).to_crs(WEB_CRS)
    out = out[out.geom_type.isin(["Polygon", "MultiPolygon"]) & ~out.geometry.is_empty]
    out["geometry"] = out.geometry.make_valid()
    out["source"] = OSM_SOURCE
    return out.reset_index(drop=True)


def landcover_classes_frame() -> pd.DataFrame:
    """Return the land-cover legend as a table (value, names, confirmed, score, source)."""
    return pd.DataFrame(
        {
            "value": [c.value for c in LANDCOVER_CLASSES],
            "name_en": [c.name_en for c in LANDCOVER_CLASSES],
            "name_ja": [c.name_ja for c in LANDCOVER_CLASSES],
            "label_confirmed": [c.label_confirmed for c in LANDCOVER_CLASSES],
            "source": LANDCOVER_SOURCE,
        }
    )


def write_landcover(raw_dir: Path, out_path: Path) -> Path:
    """Clip the JAXA land cover to :data:`LANDCOVER_BOUNDS` and write it as a small COG.

    Pixels are copied by window, never resampled; the credit goes into the file's tags.
    """
    src_path = Path(raw_dir) / JAXA
    if not src_path.exists():
        msg = f"raw source not found: {src_path}"
        raise DataNotFoundError(msg)
    out_path = Path(out_path)
    with rasterio.open(src_path) as src:
        window = window_covering(LANDCOVER_BOUNDS, src.transform, src.width, src.height)
        data = src.read(1, window=window)
        profile = {
            "driver": "COG",
            "width": data.shape[1],
            "height": data.shape[0],
            "count": 1,
            "dtype": "uint8",
            "crs": src.crs,
            "transform": shifted(src.transform, window),
            "nodata": src.nodata,
            "compress": "deflate",
        }
    fd, tmp_name = tempfile.mkstemp(prefix="landcover.", suffix=".tmp.tif", dir=out_path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # COG is written through a copy, so write a plain GTiff in memory first
        with rasterio.MemoryFile() as mem:
            plain = {**profile, "driver": "GTiff"}
            plain.pop("compress")
            with mem.open(**plain) as ds:
                ds.write(data, 1)
                ds.update_tags(
                    SOURCE=LANDCOVER_SOURCE,
                    CLASSES="; ".join(f"{c.value}={c.name_en}" for c in LANDCOVER_CLASSES),
                )
            with mem.open() as ds:
                rasterio.shutil.copy(ds, tmp, driver="COG", compress="deflate")
        tmp.chmod(0o644)
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out_path


def build_planning(raw_dir: Path, out_dir: Path, *, progress: Progress = _noop) -> list[Path]:
    """Write ``planning.gpkg`` (small areas, built-up land, land-cover legend) and ``landcover.tif``.

    Each file is written to a temporary name and moved into place, so a failure leaves the
    old files as they were.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress("census small areas")
    areas = small_areas_frame(raw_dir)
    progress("built-up land (OpenStreetMap land use and buildings)")
    built_up = built_up_frame(raw_dir)
    progress("land cover")
    raster = write_landcover(raw_dir, out_dir / LANDCOVER_TIF)
    gpkg = planning_path(out_dir)
    write_layers_atomic(
        gpkg,
        {
            "small_areas": areas,
            "built_up": built_up,
            "landcover_classes": landcover_classes_frame(),
        },
        keep_existing=False,
    )
    progress(f"{len(areas)} small areas, {int(areas['population'].sum()):,} residents")
    return [gpkg, raster]
