"""A hand-built world for the planner's tests: a road cross, an expressway, census points, land cover.

Drawn in EPSG:6675 metres around the park of :mod:`tests.shapes` (X0, Y0), so every figure
can be worked out by hand:

- road R1 (primary, 38 km/h) runs east-west along y = Y0 - 50 from X0 - 4000 to X0 + 4000,
  drawn as 1 km pieces, so it has a node every kilometre;
- road R2 (secondary, 33 km/h) runs north-south along x = X0 + 1000 from Y0 - 4000 to
  Y0 + 4000, also in 1 km pieces; it crosses R1 at (X0 + 1000, Y0 - 50);
- an expressway along y = Y0 - 3000 with its interchange at (X0 + 1000, Y0 - 3000), where R2
  has a node; the port sits on R1's west end;
- census centroids at known places (see :data:`SMALL_AREAS`);
- a 100 m land-cover raster (EPSG:6675): paddy everywhere except the blocks of
  :data:`LANDCOVER_BLOCKS`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from affine import Affine
from shapely.geometry import LineString, Point, box

from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import write_layers_atomic
from parks.data import gpkg_path
from parks.planning.data import LANDCOVER_TIF, planning_path
from tests import shapes
from tests.shapes import X0, Y0

ROAD_Y = Y0 - 50
CROSS_X = X0 + 1000
IC_XY = (CROSS_X, Y0 - 3000)
PORT_XY = (X0 - 4000, ROAD_Y)

PRIMARY_MPS = 38 / 3.6
SECONDARY_MPS = 33 / 3.6
CONNECTOR_MPS = 10 / 3.6

SMALL_AREAS = (
    # id, x, y, population
    ("p1", X0 - 2000, ROAD_Y, 1000),  # on an R1 node, 2,950 m of R1 from the area's west edge
    ("p2", CROSS_X + 100, Y0 + 3000, 2000),  # 100 m off an R2 node 3,010 m north of the area
    ("p3", X0 - 4000, ROAD_Y, 500),  # R1's west end: 4,950 m of R1
    ("p4", CROSS_X, Y0 + 7000, 300),  # 3 km beyond R2's north end: outside the graph
    ("p5", CROSS_X, ROAD_Y, 0),  # the crossing, inside the area
)

OSM_BUILT_UP = box(X0 - 600, Y0 + 2500, X0 - 300, Y0 + 2800)
"""A village the land cover misses (paddy there), mapped in OpenStreetMap."""

LABOUR_AREA = box(CROSS_X - 50, ROAD_Y - 40, CROSS_X + 50, ROAD_Y + 40)
"""A 100 m x 80 m box around the crossing (0.8 ha); its top edge lies at Y0 - 10."""

P1_MINUTES = 2950 / PRIMARY_MPS / 60
P2_MINUTES = (3010 / SECONDARY_MPS + 100 / CONNECTOR_MPS) / 60
P3_MINUTES = 4950 / PRIMARY_MPS / 60

CELL_M = 100.0
LANDCOVER_ORIGIN = (X0 - 5000, Y0 + 5000)
LANDCOVER_BLOCKS = (
    # class, xmin, ymin, xmax, ymax (metres)
    (6, X0 - 5000, Y0 - 5000, X0 - 3000, Y0 + 5000),  # forest along the west edge
    (1, X0 - 2500, Y0 + 1000, X0 - 1500, Y0 + 2000),  # a lake
    (2, X0 + 2000, Y0 + 1000, X0 + 3000, Y0 + 2000),  # a built-up block
    (13, X0 + 2000, Y0 - 2000, X0 + 3000, Y0 - 1000),  # a class with an unconfirmed label
)


def _pieces(start: tuple[float, float], end: tuple[float, float], n: int) -> list[LineString]:
    xs = np.linspace(start[0], end[0], n + 1)
    ys = np.linspace(start[1], end[1], n + 1)
    return [LineString([(xs[i], ys[i]), (xs[i + 1], ys[i + 1])]) for i in range(n)]


def roads() -> gpd.GeoDataFrame:
    """R1, R2 and the expressway (drawn as motorway, replaced by the N06 stand-in)."""
    r1 = _pieces((X0 - 4000, ROAD_Y), (X0 + 4000, ROAD_Y), 8)
    r2 = _pieces((CROSS_X, Y0 - 4000), (CROSS_X, Y0 + 4000), 8)
    geoms = r1 + r2
    classes = ["primary"] * len(r1) + ["secondary"] * len(r2)
    frame = gpd.GeoDataFrame(
        {
            "class": classes,
            "oneway": 0,
            "ramp": 0,
            "brunnel": None,
            "source": "tests/planning_shapes.py",
        },
        geometry=geoms,
        crs=METRIC_CRS,
    )
    return frame.to_crs(WEB_CRS)


def expressways() -> gpd.GeoDataFrame:
    """The expressway in two sections meeting at the interchange."""
    geoms = [
        LineString([(X0 - 4000, IC_XY[1]), IC_XY]),
        LineString([IC_XY, (X0 + 4000, IC_XY[1])]),
    ]
    frame = gpd.GeoDataFrame(
        {
            "road_name": ["test expressway"] * 2,
            "from_name": ["W", "IC"],
            "to_name": ["IC", "E"],
            "length_km": [5.0, 3.0],
            "source": "tests/planning_shapes.py",
        },
        geometry=geoms,
        crs=METRIC_CRS,
    )
    return frame.to_crs(WEB_CRS)


def destinations() -> gpd.GeoDataFrame:
    """The interchange on the expressway and the port on R1's west end."""
    frame = gpd.GeoDataFrame(
        {
            "id": ["ic-test", "port-test"],
            "kind": ["interchange", "port"],
            "name_ja": ["テストIC", "テスト港"],
            "name_en": ["Test IC", "Test Port"],
            "source": "tests/planning_shapes.py",
        },
        geometry=[Point(IC_XY), Point(PORT_XY)],
        crs=METRIC_CRS,
    )
    return frame.to_crs(WEB_CRS)


def small_areas() -> gpd.GeoDataFrame:
    """The census centroids of :data:`SMALL_AREAS`."""
    frame = gpd.GeoDataFrame(
        {
            "small_area_id": [a[0] for a in SMALL_AREAS],
            "name_ja": [f"テスト{a[0]}" for a in SMALL_AREAS],
            "municipality_code": "17201",
            "municipality_ja": "金沢市",
            "municipality_en": "Kanazawa",
            "area_m2": 10_000.0,
            "population": [a[3] for a in SMALL_AREAS],
            "households": 0,
            "is_main_part": True,
            "source": "tests/planning_shapes.py",
        },
        geometry=[Point(a[1], a[2]) for a in SMALL_AREAS],
        crs=METRIC_CRS,
    )
    return frame.to_crs(WEB_CRS)


def landcover_array() -> tuple[np.ndarray, Affine]:
    """The land-cover classes (100 m cells over the 10 km city) and their transform."""
    n = int(10_000 / CELL_M)
    data = np.full((n, n), 3, dtype=np.uint8)
    transform = Affine(CELL_M, 0, LANDCOVER_ORIGIN[0], 0, -CELL_M, LANDCOVER_ORIGIN[1])
    inv = ~transform
    for cls, xmin, ymin, xmax, ymax in LANDCOVER_BLOCKS:
        c0, r0 = (round(v) for v in inv @ (xmin, ymax))
        c1, r1 = (round(v) for v in inv @ (xmax, ymin))
        data[max(r0, 0) : r1, max(c0, 0) : c1] = cls
    return data, transform


def write_world(data_dir: Path) -> Path:
    """Write the embedded layers and the planning data of this world into ``data_dir``."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    frames = shapes.all_layers(with_access=False)
    frames["roads"] = roads()
    frames["expressways"] = expressways()
    frames["destinations"] = destinations()
    write_layers_atomic(gpkg_path(data_dir), frames, keep_existing=False)
    write_layers_atomic(
        planning_path(data_dir),
        {
            "small_areas": small_areas(),
            "built_up": gpd.GeoDataFrame(
                {"class": ["residential"], "source": ["tests/planning_shapes.py"]},
                geometry=[OSM_BUILT_UP],
                crs=METRIC_CRS,
            ).to_crs(WEB_CRS),
            "landcover_classes": pd.DataFrame({"value": [1]}),
        },
        keep_existing=False,
    )
    data, transform = landcover_array()
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "uint8",
        "crs": METRIC_CRS,
        "transform": transform,
        "nodata": 0,
    }
    with rasterio.open(data_dir / LANDCOVER_TIF, "w", **profile) as dst:
        dst.write(data, 1)
    return data_dir


def plane_dem(
    path: Path,
    *,
    gradient: float,
    origin: tuple[float, float],
    size: int = 60,
    cell: float = 10.0,
    crs=METRIC_CRS,
) -> Path:
    """Write a DEM that is a plane rising ``gradient`` metres per metre eastwards."""
    x = (np.arange(size) + 0.5) * cell
    z = np.tile(10.0 + gradient * x, (size, 1)).astype("float32")
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": Affine(cell, 0, origin[0], 0, -cell, origin[1]),
        "nodata": -9999.0,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z, 1)
    return path
