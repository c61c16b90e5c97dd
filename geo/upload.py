"""Reading an uploaded vector file from memory: GeoJSON, GeoPackage or a zipped Shapefile.

Nothing is written to disk: the bytes are read through GDAL's in-memory files. A zip is
checked before GDAL sees it (entry count, uncompressed size, exactly one Shapefile), and
rebuilt in memory with only that Shapefile's parts, so nested folders and stray files do
not matter and a zip bomb is refused unread.

GDAL picks a driver from the content, not from the name, and some of its formats point at
other files: an OGR VRT (XML) sent as ``area.geojson`` would make GDAL open any path or URL
it names (``/etc/…``, ``/vsicurl/http://…``). So the first bytes must be what the name says
(:func:`content_kind`) before GDAL sees them.
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


TEMPLATES = {
    "format": "file %(name)s is not a GeoJSON (.geojson, .json), GeoPackage (.gpkg) or zipped Shapefile (.zip)",
    "empty": "file %(name)s is empty",
    "too_large": "file %(name)s is %(size)s bytes; the limit is %(limit)s",
    "unreadable": "cannot read %(name)s as %(kind)s: %(detail)s",
    "layers": "%(name)s must hold exactly one layer with geometries; found %(found)s",
    "features": "%(name)s holds %(count)s features; the limit is %(limit)s",
    "no_geometry": "%(name)s has no geometries",
    "bad_zip": "%(name)s is not a valid zip file",
    "zip_entries": "%(name)s holds %(count)s files; the limit is %(limit)s",
    "zip_size": "%(name)s unpacks to %(size)s bytes; the limit is %(limit)s",
    "zip_shp": "%(name)s must hold exactly one .shp file; found %(count)s",
    "zip_parts": "%(name)s: the Shapefile lacks its %(parts)s file",
    "content": "file %(name)s does not hold %(kind)s data (its content is of another kind)",
}
"""Message of each kind of refusal (English; callers may translate by ``key``)."""


class UploadError(GeoError, ValueError):
    """An uploaded file cannot be read; ``key`` and ``params`` say what is wrong with it."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(TEMPLATES[key] % {k: _show(v) for k, v in params.items()})


def _show(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


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
        raise UploadError("format", name=filename)
    return SUFFIXES[suffix]


GEOPACKAGE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
JSON_LEADING = b"\xef\xbb\xbf \t\r\n"
"""A UTF-8 byte-order mark and white space may precede a JSON document."""

KIND_NAMES = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "zip": "zip"}


def content_kind(data: bytes) -> str | None:
    """Return ``gpkg``, ``zip`` or ``geojson`` from a file's first bytes, or None.

    A GeoPackage is an SQLite file, a zip starts with a local (or end-of-archive) header,
    and GeoJSON is a JSON object. Anything else (XML such as an OGR VRT, CSV, binary) is
    None, so GDAL never opens it.

    >>> content_kind(b'{"type": "Polygon"}'), content_kind(b"<OGRVRTDataSource>")
    ('geojson', None)
    """
    if data.startswith(GEOPACKAGE_MAGIC):
        return "gpkg"
    if data.startswith(ZIP_MAGICS):
        return "zip"
    if data[:1024].lstrip(JSON_LEADING).startswith(b"{"):
        return "geojson"
    return None


def read_upload(
    data: bytes, filename: str, *, limits: UploadLimits | None = None
) -> gpd.GeoDataFrame:
    """Read the one vector layer of an uploaded file.

    The result keeps the file's CRS, which is None when the file states none (a Shapefile
    without ``.prj``); a GeoJSON without a ``crs`` member is WGS84, as RFC 7946 says.

    Raises
    ------
    UploadError
        If the file is too large, of another format (by name or by content), unreadable,
        holds no layer or more than one, or more than ``limits.max_features`` features.
    """
    limits = limits or UploadLimits()
    kind = upload_format(filename)
    if len(data) == 0:
        raise UploadError("empty", name=filename)
    if len(data) > limits.max_bytes:
        raise UploadError("too_large", name=filename, size=len(data), limit=limits.max_bytes)
    if content_kind(data) != kind:
        raise UploadError("content", name=filename, kind=KIND_NAMES[kind])
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
        raise UploadError("unreadable", name=filename, kind=kind, detail=_first_line(exc)) from exc
    spatial = [i for i, (_, geom_type) in enumerate(layers) if geom_type is not None]
    if len(spatial) != 1:
        found = ", ".join(str(layers[i][0]) for i in spatial) or "none"
        raise UploadError("layers", name=filename, found=found)
    try:
        info = pyogrio.read_info(io.BytesIO(data), layer=spatial[0])
        if int(info["features"]) > limits.max_features:
            raise UploadError(
                "features", name=filename, count=int(info["features"]), limit=limits.max_features
            )
        frame = pyogrio.read_dataframe(io.BytesIO(data), layer=spatial[0])
    except UploadError:
        raise
    except Exception as exc:
        raise UploadError("unreadable", name=filename, kind=kind, detail=_first_line(exc)) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise UploadError("no_geometry", name=filename)
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
        raise UploadError("bad_zip", name=filename) from exc
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > limits.max_zip_entries:
            raise UploadError(
                "zip_entries", name=filename, count=len(entries), limit=limits.max_zip_entries
            )
        total = sum(i.file_size for i in entries)
        if total > limits.max_unzipped_bytes:
            raise UploadError(
                "zip_size", name=filename, size=total, limit=limits.max_unzipped_bytes
            )
        shps = [i for i in entries if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            raise UploadError("zip_shp", name=filename, count=len(shps))
        stem = shps[0].filename[:-4]
        parts = {
            suffix: next(
                (i for i in entries if i.filename.lower() == (stem + suffix).lower()), None
            )
            for suffix in SHAPEFILE_PARTS
        }
        lacking = [s for s in (".shx", ".dbf") if parts[s] is None]
        if lacking:
            raise UploadError("zip_parts", name=filename, parts=" / ".join(lacking))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as flat:
            for suffix, info in parts.items():
                if info is not None:
                    flat.writestr("layer" + suffix, _member(archive, info, filename))
    return out.getvalue()


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str) -> bytes:
    """Return one member's bytes; a damaged, encrypted or oddly compressed one is refused.

    ``zipfile`` never unpacks more than the size the archive declares (checked above), and
    says so with a CRC error when the data is longer.
    """
    try:
        return archive.read(info)
    except Exception as exc:  # CRC, zlib, lzma, encryption, unknown method: all mean damaged
        raise UploadError("bad_zip", name=filename) from exc
