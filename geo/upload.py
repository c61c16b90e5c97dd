"""Reading an uploaded vector file from memory: GeoJSON, GeoPackage or a zipped Shapefile.

Nothing is written to disk: the bytes are read through GDAL's in-memory files. A zip is
checked before GDAL sees it (entry count, uncompressed size, exactly one Shapefile), and
rebuilt in memory with only that Shapefile's parts, so nested folders and stray files do
not matter and a zip bomb is refused unread.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import geopandas as gpd
import pyogrio

from geo.errors import GeoError

SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip"}
"""File name endings accepted, and the format each means."""

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


class UploadError(GeoError, ValueError):
    """An uploaded file cannot be read; the message says what is wrong with it."""


@dataclass(frozen=True)
class UploadLimits:
    """Bounds on what an upload may hold."""

    max_bytes: int = 10_000_000
    max_unzipped_bytes: int = 50_000_000
    max_zip_entries: int = 50
    max_features: int = 1_000


def upload_format(filename: str) -> str:
    """Return ``geojson``, ``gpkg`` or ``zip`` for a file name, or raise UploadError."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in SUFFIXES:
        msg = (
            f"file {filename!r} is not a GeoJSON (.geojson, .json), GeoPackage (.gpkg) or "
            "zipped Shapefile (.zip)"
        )
        raise UploadError(msg)
    return SUFFIXES[suffix]


def read_upload(
    data: bytes, filename: str, *, limits: UploadLimits | None = None
) -> gpd.GeoDataFrame:
    """Read the one vector layer of an uploaded file.

    The result keeps the file's CRS, which is None when the file states none (a Shapefile
    without ``.prj``); a GeoJSON without a ``crs`` member is WGS84, as RFC 7946 says.

    Raises
    ------
    UploadError
        If the file is too large, of another format, unreadable, holds no layer or more
        than one, or more than ``limits.max_features`` features.
    """
    limits = limits or UploadLimits()
    kind = upload_format(filename)
    if len(data) == 0:
        msg = f"file {filename!r} is empty"
        raise UploadError(msg)
    if len(data) > limits.max_bytes:
        msg = f"file {filename!r} is {len(data):,} bytes; the limit is {limits.max_bytes:,}"
        raise UploadError(msg)
    if kind == "zip":
        data = _shapefile_zip(data, filename, limits)
    with warnings.catch_warnings():
        # GDAL notes that an in-memory GeoPackage lacks the .gpkg extension: harmless here
        warnings.filterwarnings("ignore", message=".*non conformant file extension")
        return _read_one_layer(data, filename, kind, limits)


def _read_one_layer(
    data: bytes, filename: str, kind: str, limits: UploadLimits
) -> gpd.GeoDataFrame:
    source = io.BytesIO(data)
    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # GDAL reports unreadable input in many ways
        msg = f"cannot read {filename!r} as {kind}: {_first_line(exc)}"
        raise UploadError(msg) from exc
    spatial = [i for i, (_, geom_type) in enumerate(layers) if geom_type is not None]
    if len(spatial) != 1:
        found = ", ".join(str(layers[i][0]) for i in spatial) or "none"
        msg = f"{filename!r} must hold exactly one layer with geometries; found {found}"
        raise UploadError(msg)
    try:
        info = pyogrio.read_info(io.BytesIO(data), layer=spatial[0])
        if int(info["features"]) > limits.max_features:
            msg = (
                f"{filename!r} holds {int(info['features']):,} features; the limit is "
                f"{limits.max_features:,}"
            )
            raise UploadError(msg)
        frame = pyogrio.read_dataframe(io.BytesIO(data), layer=spatial[0])
    except UploadError:
        raise
    except Exception as exc:
        msg = f"cannot read {filename!r}: {_first_line(exc)}"
        raise UploadError(msg) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{filename!r} has no geometries"
        raise UploadError(msg)
    return frame


def _first_line(exc: Exception) -> str:
    """Return the first line of a GDAL error without its in-memory file names."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    if "not recognized as being in a supported file format" in text:
        return "the content is not in that format"
    text = re.sub(r"/vsi\w+/[\w./-]*", "the file", text)
    return re.sub(r"pyogrio_[0-9a-f]{32}", "the file", text)


def _shapefile_zip(data: bytes, filename: str, limits: UploadLimits) -> bytes:
    """Check a zipped Shapefile and return a flat zip holding only its parts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        msg = f"{filename!r} is not a valid zip file"
        raise UploadError(msg) from exc
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > limits.max_zip_entries:
            msg = f"{filename!r} holds {len(entries)} files; the limit is {limits.max_zip_entries}"
            raise UploadError(msg)
        total = sum(i.file_size for i in entries)
        if total > limits.max_unzipped_bytes:
            msg = (
                f"{filename!r} unpacks to {total:,} bytes; the limit is "
                f"{limits.max_unzipped_bytes:,}"
            )
            raise UploadError(msg)
        shps = [i for i in entries if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            msg = f"{filename!r} must hold exactly one .shp file; found {len(shps)}"
            raise UploadError(msg)
        stem = shps[0].filename[:-4]
        parts = {
            suffix: next(
                (i for i in entries if i.filename.lower() == (stem + suffix).lower()), None
            )
            for suffix in SHAPEFILE_PARTS
        }
        lacking = [s for s in (".shx", ".dbf") if parts[s] is None]
        if lacking:
            msg = f"{filename!r}: the Shapefile lacks its {' and '.join(lacking)} file"
            raise UploadError(msg)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as flat:
            for suffix, info in parts.items():
                if info is not None:
                    flat.writestr("layer" + suffix, archive.read(info))
    return out.getvalue()
