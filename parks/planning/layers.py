"""Layers a city loads itself (``siting add-layer``): a DEM, hazard zones and zoning.

No elevation model, flood or zoning layer is public in reach, so none ships. A city that
has one loads it here; it is checked whole first (readable, a CRS, the right geometry,
covering the city, plausible values) and only then written, each file to a temporary name
moved into place, so a refused or failed load leaves the stored layers as they were. Until
a layer is loaded, its criterion reports "no data".

The store is a folder (the app's instance folder ``layers/`` by default) holding
``dem.tif`` (EPSG:6675), ``slope.tif`` (derived from it once), ``<kind>.gpkg`` for polygon
layers (EPSG:4326) and ``layers.json`` describing each.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.warp
import shapely
from pyproj import CRS
from rasterio.enums import Resampling

from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import write_layers_atomic
from geo.raster import shifted, slope_from_dem, warped_grid
from geo.upload import UploadError, UploadLimits, read_upload
from parks.data import Layers
from parks.messages import Message
from parks.planning.area import city_polygon, upload_message
from parks.planning.errors import LayerRejectedError

LayerKind = Literal["dem", "flood", "landslide", "zoning"]
LAYER_KINDS: tuple[LayerKind, ...] = ("dem", "flood", "landslide", "zoning")
POLYGON_KINDS: tuple[LayerKind, ...] = ("flood", "landslide", "zoning")

INDEX = "layers.json"
DEM_FILE = "dem.tif"
SLOPE_FILE = "slope.tif"

MAX_DEM_CELL_M = 100.0
"""Coarsest DEM accepted: slope from coarser cells flattens hills that matter."""

ELEVATION_RANGE_M = (-100.0, 4000.0)
"""Plausible elevations in Japan; values outside mean a wrong unit or nodata value."""

MAX_POLYGON_FILE_BYTES = 200_000_000
MAX_POLYGON_FEATURES = 200_000


@dataclass(frozen=True)
class LayerInfo:
    """One stored layer and where it came from."""

    kind: str
    file: str
    source: str
    original_name: str
    added_at: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the description as JSON data."""
        return asdict(self)


class LayerStore:
    """The folder of layers a city loaded; read-only access for the planner."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = None if directory is None else Path(directory)
        self._polygons: dict[str, tuple[float, gpd.GeoDataFrame]] = {}

    def info(self) -> dict[str, LayerInfo]:
        """Return the stored layers by kind (empty when nothing was loaded)."""
        if self.directory is None:
            return {}
        path = self.directory / INDEX
        if not path.exists():
            return {}
        raw = json.loads(path.read_text(encoding="utf-8"))
        out = {}
        for kind, body in raw.items():
            info = LayerInfo(**body)
            if (self.directory / info.file).exists():
                out[kind] = info
        return out

    def has(self, kind: str) -> bool:
        """Return True when a layer of ``kind`` is loaded."""
        return kind in self.info()

    def slope_path(self) -> Path | None:
        """Return the stored slope raster, or None without a DEM."""
        info = self.info().get("dem")
        if info is None or self.directory is None:
            return None
        path = self.directory / SLOPE_FILE
        return path if path.exists() else None

    def polygons(self, kind: str) -> gpd.GeoDataFrame | None:
        """Return a stored polygon layer (EPSG:4326), or None when not loaded."""
        info = self.info().get(kind)
        if info is None or self.directory is None:
            return None
        path = self.directory / info.file
        mtime = path.stat().st_mtime
        hit = self._polygons.get(kind)
        if hit is None or hit[0] != mtime:
            frame = gpd.read_file(path, layer=kind, engine="pyogrio")
            hit = (mtime, frame)
            self._polygons[kind] = hit
        return hit[1]

    def source(self, kind: str) -> str | None:
        """Return the source text of a stored layer."""
        info = self.info().get(kind)
        return None if info is None else f"{info.source} (loaded {info.added_at[:10]})"


# --------------------------------------------------------------------------------------------
# adding layers


def add_layer(
    directory: Path,
    kind: str,
    path: Path,
    layers: Layers,
    *,
    source: str,
    field_name: str | None = None,
    allow: Sequence[str] = (),
    repair: bool = False,
) -> LayerInfo:
    """Check a layer and store it as ``kind``, replacing any earlier one of that kind.

    Parameters
    ----------
    directory
        The layer store.
    kind
        ``dem`` (a GeoTIFF), ``flood`` or ``landslide`` (hazard polygons), ``zoning``
        (zoning polygons with ``field_name`` naming the zone column and ``allow`` the
        values in which industry is permitted).
    path
        The file: GeoTIFF for a DEM; GeoPackage, GeoJSON or zipped Shapefile otherwise.
    layers
        The embedded dataset (for the city boundary).
    source
        Where the layer comes from (publisher, edition, licence): shown in every report.
    field_name, allow
        See ``kind``.
    repair
        Repair invalid polygons (``make_valid``) instead of refusing them.

    Raises
    ------
    LayerRejectedError
        Listing every problem; nothing is written.
    """
    problems: list[Message] = []
    if kind not in LAYER_KINDS:
        raise LayerRejectedError(
            Message(
                "unknown layer kind %(kind)s; use one of %(kinds)s",
                {"kind": kind, "kinds": list(LAYER_KINDS)},
            )
        )
    if not source or not source.strip():
        problems.append(
            Message("say where the layer comes from (publisher, edition, licence) with a source")
        )
    path = Path(path)
    if not path.is_file():
        problems.append(Message("file not found: %(path)s", {"path": str(path)}))
    if kind == "zoning" and (not field_name or not allow):
        problems.append(
            Message(
                "a zoning layer needs the column holding the zone (field) and the zone values "
                "in which industry is permitted (allow)"
            )
        )
    if problems:
        raise LayerRejectedError(problems)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    if kind == "dem":
        details = _add_dem(directory, path, layers)
        info = LayerInfo("dem", DEM_FILE, source.strip(), path.name, stamp, details)
    else:
        frame, details = _check_polygons(kind, path, layers, field_name, list(allow), repair)
        write_layers_atomic(directory / f"{kind}.gpkg", {kind: frame}, keep_existing=False)
        info = LayerInfo(kind, f"{kind}.gpkg", source.strip(), path.name, stamp, details)
    _write_index(directory, info)
    return info


def remove_layer(directory: Path, kind: str) -> bool:
    """Forget a stored layer (its criterion goes back to "no data"); True if one was there."""
    directory = Path(directory)
    index = directory / INDEX
    if not index.exists():
        return False
    raw = json.loads(index.read_text(encoding="utf-8"))
    if kind not in raw:
        return False
    body = raw.pop(kind)
    _atomic_text(index, json.dumps(raw, ensure_ascii=False, indent=2))
    for name in (body["file"], SLOPE_FILE if kind == "dem" else None):
        if name and (directory / name).exists():
            (directory / name).unlink()
    return True


def _write_index(directory: Path, info: LayerInfo) -> None:
    index = directory / INDEX
    raw = json.loads(index.read_text(encoding="utf-8")) if index.exists() else {}
    raw[info.kind] = info.to_dict()
    _atomic_text(index, json.dumps(raw, ensure_ascii=False, indent=2))


def _atomic_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _add_dem(directory: Path, path: Path, layers: Layers) -> dict[str, Any]:
    """Check a DEM, store it in EPSG:6675 with its slope; return what was found."""
    problems: list[Message] = []
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioError as exc:
        raise LayerRejectedError(
            Message(
                "cannot read %(name)s as a raster: %(error)s",
                {"name": path.name, "error": str(exc)},
            )
        ) from exc
    with src:
        if src.crs is None:
            raise LayerRejectedError(
                Message(
                    "%(name)s has no coordinate reference system; set one (e.g. gdal_edit.py -a_srs EPSG:6675)",
                    {"name": path.name},
                )
            )
        if src.count < 1 or src.dtypes[0] not in (
            "int16",
            "uint16",
            "int32",
            "uint32",
            "float32",
            "float64",
        ):
            problems.append(
                Message(
                    "%(name)s band 1 holds %(dtype)s; a DEM holds elevations as numbers",
                    {"name": path.name, "dtype": src.dtypes[0] if src.count else "nothing"},
                )
            )
        crs = CRS.from_user_input(src.crs)
        city = city_polygon(layers)
        footprint = gpd.GeoSeries([shapely.box(*src.bounds)], crs=crs).to_crs(METRIC_CRS).iloc[0]
        covered = float(footprint.intersection(city).area / city.area)
        if covered <= 0:
            problems.append(
                Message(
                    "%(name)s does not cover Kanazawa city (is its CRS %(crs)s right?)",
                    {"name": path.name, "crs": crs.to_string()},
                )
            )
        transform, width, height = warped_grid(
            src.crs, METRIC_CRS, src.width, src.height, tuple(src.bounds)
        )
        cell_m = abs(transform.a)
        if cell_m > MAX_DEM_CELL_M:
            problems.append(
                Message(
                    "%(name)s has %(cell)s m cells; the coarsest DEM used for slope has %(limit)s m cells",
                    {"name": path.name, "cell": f"{cell_m:,.0f}", "limit": f"{MAX_DEM_CELL_M:.0f}"},
                )
            )
        if problems:
            raise LayerRejectedError(problems)
        nodata = src.nodata
        lo, hi = _value_range(src, nodata)
    if lo is None or hi is None:
        raise LayerRejectedError(Message("%(name)s holds no elevation value", {"name": path.name}))
    if lo < ELEVATION_RANGE_M[0] or hi > ELEVATION_RANGE_M[1]:
        raise LayerRejectedError(
            Message(
                "%(name)s holds elevations from %(lo)s to %(hi)s m; expected metres between "
                "%(min)s and %(max)s (wrong unit or an undeclared nodata value?)",
                {
                    "name": path.name,
                    "lo": f"{lo:,.1f}",
                    "hi": f"{hi:,.1f}",
                    "min": f"{ELEVATION_RANGE_M[0]:.0f}",
                    "max": f"{ELEVATION_RANGE_M[1]:.0f}",
                },
            )
        )
    with tempfile.TemporaryDirectory(dir=directory, prefix=".adding-") as tmp_dir:
        tmp = Path(tmp_dir)
        dem_tmp = tmp / DEM_FILE
        _warp_to_metric(path, dem_tmp, transform, width, height)
        slope_from_dem(dem_tmp, tmp / SLOPE_FILE, compress="deflate", predictor=3)
        for name in (DEM_FILE, SLOPE_FILE):
            (tmp / name).chmod(0o644)
            os.replace(tmp / name, directory / name)
    return {
        "source_crs": crs.to_string(),
        "cell_m": round(cell_m, 2),
        "elevation_m": [round(lo, 1), round(hi, 1)],
        "city_covered_share": round(covered, 4),
    }


def _value_range(src: Any, nodata: float | None) -> tuple[float | None, float | None]:
    lo: float | None = None
    hi: float | None = None
    for _, window in src.block_windows(1):
        block = src.read(1, window=window, masked=True).astype("float64")
        if nodata is not None:
            block = np.ma.masked_equal(block, nodata)
        values = block.compressed()
        values = values[np.isfinite(values)]
        if len(values) == 0:
            continue
        lo = float(values.min()) if lo is None else min(lo, float(values.min()))
        hi = float(values.max()) if hi is None else max(hi, float(values.max()))
    return lo, hi


def _warp_to_metric(
    src_path: Path, dst_path: Path, transform: Any, width: int, height: int
) -> None:
    """Write the DEM in EPSG:6675 (bilinear; a copy when it already is)."""
    with rasterio.open(src_path) as src:
        nodata = src.nodata if src.nodata is not None else -9999.0
        profile = {
            "driver": "GTiff",
            "width": width,
            "height": height,
            "count": 1,
            "dtype": "float32",
            "crs": METRIC_CRS,
            "transform": transform,
            "nodata": nodata,
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
            "compress": "deflate",
            "predictor": 3,
        }
        with rasterio.open(dst_path, "w", **profile) as dst:
            for _, window in dst.block_windows(1):
                out = np.full((int(window.height), int(window.width)), nodata, dtype="float32")
                rasterio.warp.reproject(
                    source=rasterio.band(src, 1),
                    destination=out,
                    src_nodata=src.nodata,
                    dst_transform=shifted(transform, window),
                    dst_crs=METRIC_CRS,
                    dst_nodata=nodata,
                    resampling=Resampling.bilinear,
                )
                dst.write(out, 1, window=window)


def _check_polygons(
    kind: str,
    path: Path,
    layers: Layers,
    field_name: str | None,
    allow: list[str],
    repair: bool,
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Check a hazard or zoning polygon layer; return it in EPSG:4326 with its summary."""
    try:
        frame = read_upload(
            path.read_bytes(),
            path.name,
            limits=UploadLimits(
                max_bytes=MAX_POLYGON_FILE_BYTES,
                max_unzipped_bytes=4 * MAX_POLYGON_FILE_BYTES,
                max_features=MAX_POLYGON_FEATURES,
            ),
        )
    except UploadError as exc:
        raise LayerRejectedError(upload_message(exc)) from exc
    problems: list[Message] = []
    if frame.crs is None:
        raise LayerRejectedError(
            Message(
                "%(name)s has no coordinate reference system (a .prj for a Shapefile)",
                {"name": path.name},
            )
        )
    if frame.empty:
        raise LayerRejectedError(Message("%(name)s holds no feature", {"name": path.name}))
    types = frame.geom_type.fillna("empty")
    wrong = sorted(set(types) - {"Polygon", "MultiPolygon"})
    if wrong:
        problems.append(
            Message(
                "%(name)s holds %(types)s geometries; a %(kind)s layer holds polygons only",
                {"name": path.name, "types": wrong, "kind": kind},
            )
        )
    if kind == "zoning" and field_name not in frame.columns:
        problems.append(
            Message(
                "%(name)s has no column %(field)s; its columns are %(columns)s",
                {
                    "name": path.name,
                    "field": str(field_name),
                    "columns": [c for c in frame.columns if c != "geometry"],
                },
            )
        )
    if problems:
        raise LayerRejectedError(problems)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        if repair:
            frame.loc[invalid, "geometry"] = shapely.make_valid(frame.geometry[invalid].to_numpy())
            frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
            frame["geometry"] = [
                g
                if g.geom_type != "GeometryCollection"
                else shapely.union_all(
                    [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
                )
                for g in frame.geometry
            ]
        else:
            raise LayerRejectedError(
                Message(
                    "%(name)s has %(count)s invalid polygon(s), e.g. %(reason)s; fix them or load "
                    "with repair",
                    {
                        "name": path.name,
                        "count": int(invalid.sum()),
                        "reason": shapely.is_valid_reason(frame.geometry[invalid].iloc[0]),
                    },
                )
            )
    metric = frame.to_crs(METRIC_CRS)
    if not np.isfinite(metric.total_bounds).all():
        raise LayerRejectedError(
            Message(
                "%(name)s does not fit its CRS %(crs)s", {"name": path.name, "crs": str(frame.crs)}
            )
        )
    city = city_polygon(layers)
    hits = metric.intersects(city)
    if not hits.any():
        raise LayerRejectedError(
            Message(
                "%(name)s does not overlap Kanazawa city (is its CRS %(crs)s right?)",
                {"name": path.name, "crs": CRS.from_user_input(frame.crs).to_string()},
            )
        )
    out = gpd.GeoDataFrame(geometry=frame.to_crs(WEB_CRS).geometry.to_numpy(), crs=WEB_CRS)
    details: dict[str, Any] = {
        "features": len(frame),
        "features_in_city": int(hits.sum()),
        "source_crs": CRS.from_user_input(frame.crs).to_string(),
        "repaired": int(invalid.sum()) if repair else 0,
    }
    if kind == "zoning":
        values = frame[str(field_name)].astype(str).str.strip()
        allowed = {a.strip() for a in allow}
        out["zone"] = values.to_numpy()
        out["permits_industry"] = values.isin(allowed).to_numpy()
        unknown = sorted(allowed - set(values))
        if unknown:
            raise LayerRejectedError(
                Message(
                    "no zone of %(name)s has the value(s) %(values)s given as permitting industry; "
                    "values present: %(present)s",
                    {"name": path.name, "values": unknown, "present": sorted(set(values))[:30]},
                )
            )
        details.update({"field": field_name, "allow": sorted(allowed)})
    return out, details


def copy_store(src: Path, dst: Path) -> None:
    """Copy a layer store (tests, moving an instance)."""
    shutil.copytree(src, dst, dirs_exist_ok=True)
