"""Reading and atomically writing vector layers (GeoPackage, GeoJSON, zipped Shapefile)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.crs import WEB_CRS, require_crs
from geo.errors import GeoError


def list_layers(path: Path) -> list[str]:
    """Return the layer names of a vector file."""
    return [str(name) for name, _ in pyogrio.list_layers(path)]


def is_table(path: Path, layer: str) -> bool:
    """Return True when ``layer`` has no geometry column (an attribute table)."""
    kinds = {str(name): kind for name, kind in pyogrio.list_layers(path)}
    return kinds.get(layer) is None


def read_vector(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read one layer of a vector file; a ``.zip`` is read as a zipped Shapefile."""
    path = Path(path)
    if not path.exists():
        msg = f"file not found: {path}"
        raise GeoError(msg)
    source = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        return gpd.read_file(source, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises many types; report them as one
        msg = f"cannot read {path}" + (f" layer {layer!r}" if layer else "") + f": {exc}"
        raise GeoError(msg) from exc


def read_table(path: Path, layer: str) -> pd.DataFrame:
    """Read a non-spatial table stored in a GeoPackage."""
    frame: pd.DataFrame = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    return frame


def write_layers_atomic(
    path: Path,
    layers: Mapping[str, gpd.GeoDataFrame | pd.DataFrame],
    *,
    keep_existing: bool = True,
) -> None:
    """Write several layers into a GeoPackage as one all-or-nothing step.

    Spatial layers must be in WEB_CRS (EPSG:4326); anything else raises CRSMismatchError
    before the old file is touched.

    The new file is assembled next to ``path`` (a copy of the old one when
    ``keep_existing``) and then ``os.replace``d over it, so a failure at any point
    leaves the old file exactly as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp.gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if keep_existing and path.exists():
            shutil.copyfile(path, tmp)
        else:
            tmp.unlink()
        for name, frame in layers.items():
            _write_one(tmp, name, frame)
        _compact(tmp)
        tmp.chmod(0o644)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _compact(path: Path) -> None:
    """Reclaim the space of overwritten layers (a GeoPackage is an SQLite file)."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("VACUUM")


def _write_one(path: Path, layer: str, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
    """Write (replacing) one layer; a plain DataFrame becomes an attribute table."""
    exists = path.exists() and layer in list_layers(path)
    kwargs: dict[str, object] = {"layer": layer, "driver": "GPKG"}
    if exists:
        kwargs["layer_options"] = {"OVERWRITE": "YES"}
    if isinstance(frame, gpd.GeoDataFrame):
        require_crs(frame, WEB_CRS, what=f"layer {layer!r}")  # stored layers are lon/lat
        pyogrio.write_dataframe(frame, path, **kwargs)
    else:
        pyogrio.write_dataframe(pd.DataFrame(frame), path, **kwargs)
