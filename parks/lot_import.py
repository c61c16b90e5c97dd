"""Importing an official lot layer into the inventory store: read, check all, diff, apply as one.

The city's lot file (GeoPackage, GeoJSON, zipped Shapefile, or CSV with a WKT column) is
read from memory (no temporary file is ever written), checked whole — every problem is
listed with its row number, an unreadable value never hides the others — and turned into
a plan: the new lots of the parks the file covers and how they differ from today's. The
new lots' drive times are computed before anything is written; :func:`apply_lot_import`
then swaps lots, drive times, history and events in one store transaction, so a crash at
any moment leaves either the old inventory or the new one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from sqlalchemy import delete, insert, select

from geo.crs import METRIC_CRS, WEB_CRS
from geo.upload import SHAPEFILE_PARTS, content_kind
from parks.data import LOT_STATUSES, PARK_IDS, Layers
from parks.errors import LotImportError
from parks.messages import N_, Message, Name

REQUIRED_COLUMNS = ("park_id", "lot_no", "status")
OPTIONAL_COLUMNS = ("phase", "available_from", "price_per_m2", "occupant", "source", "area_m2")
PARK_TOLERANCE_M = 500.0
"""How far a lot may lie outside a derived park outline (the outlines are approximate)."""

STUDY_BOUNDS = (136.3, 36.2, 137.0, 36.9)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest accepted upload (a city lot layer is well under a megabyte)."""
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 20_000
MAX_PROBLEMS = 200
"""Problems listed in full; beyond this the message says how many more there are."""
MAX_OVERLAPS = 50
"""Overlapping pairs listed; the check stops counting there (bounded time and message)."""
OVERLAP_TOLERANCE_M2 = 10.0
"""Overlaps up to this area are digitising noise (shared edges reprojected), not errors."""
MIN_LOT_AREA_M2 = 100.0
"""Smaller polygons are slivers or digitising slips, not lots."""
MAX_TEXT = 200
"""Longest accepted occupant / source text."""

LOT_NO_PATTERN = re.compile(
    r"[0-9A-Za-z\u3040-\u30ff\u4e00-\u9fff][0-9A-Za-z\u3040-\u30ff\u4e00-\u9fff._-]{0,39}"
)
"""Lot numbers: up to 40 letters, digits, kana or kanji, with ``.``, ``_`` and ``-`` inside.
No spaces, slashes, line breaks or ``..``: lot numbers become parts of ids and URLs."""

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no lot text needs (PostgreSQL cannot even store NUL): refused, row by row."""

WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
NAMED_KINDS = {
    ".geojson": ("geojson", N_("the file is named %(suffix)s but does not hold GeoJSON")),
    ".json": ("geojson", N_("the file is named %(suffix)s but does not hold GeoJSON")),
    ".gpkg": ("gpkg", N_("the file is named %(suffix)s but does not hold a GeoPackage")),
    ".zip": ("zip", N_("the file is named %(suffix)s but does not hold a zip file")),
}
"""File endings that promise a format GDAL reads: the content must keep the promise."""
FORMATS = ("gpkg", "geojson", "zip", "csv")


def _too_many_rows() -> Message:
    return Message(N_("the file holds more than %(count)s rows"), {"count": MAX_ROWS})


def _too_large() -> Message:
    return Message(
        N_("the file is larger than %(size)s MB"), {"size": MAX_FILE_BYTES // (1024 * 1024)}
    )


def _shown(value: Any, limit: int = 40) -> str:
    """Return a value for a message, cut short so a huge value cannot flood it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


# --------------------------------------------------------------------------- reading


def detect_format(filename: str, data: bytes) -> str | None:
    """Return ``gpkg``, ``geojson``, ``zip`` or ``csv`` from the first bytes and the name.

    Whatever GDAL reads must be what its first bytes say (:func:`geo.upload.content_kind`):
    GDAL picks its driver from the content, and an OGR VRT named ``lots.geojson`` would
    open any file or URL it names. Only CSV (read by Python, not GDAL) goes by its name.
    """
    suffix = Path(filename).suffix.lower()
    kind = content_kind(data)
    if kind is not None:
        return kind
    if suffix in (".csv", ".txt"):
        return "csv"
    return None


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise reject([Message(N_("the CSV is neither UTF-8 nor Shift_JIS text"))])


def _read_csv(data: bytes, crs: str | None) -> tuple[gpd.GeoDataFrame, list[Message]]:
    text = _decode_text(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip() for f in reader.fieldnames or []]
    lower = {f.lower(): f for f in fields}
    wkt_col = next((lower[c] for c in WKT_COLUMNS if c in lower), None)
    if wkt_col is None:
        raise reject(
            [
                Message(
                    N_(
                        "The CSV has no geometry: add a column named wkt holding each lot's "
                        "outline as WKT (POLYGON ((lon lat, ...))) in EPSG:4326, or upload "
                        "a GeoPackage, GeoJSON or zipped Shapefile."
                    )
                )
            ]
        )
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    problems: list[Message] = []
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise reject([_too_many_rows()])
        clean = {(k or "").strip(): v for k, v in row.items()}
        raw = clean.pop(wkt_col, None) or ""
        try:
            geom = shapely.from_wkt(raw) if raw.strip() else None
        except shapely.errors.ShapelyError:
            geom = None
            problems.append(
                Message(
                    N_("row %(row)s: the WKT cannot be read (%(value)s)"),
                    {"row": number, "value": _shown(raw)},
                )
            )
        rows.append({k: (v if v != "" else None) for k, v in clean.items() if k})
        geoms.append(geom)
    frame = pd.DataFrame.from_records(rows)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs or WEB_CRS), problems


def _flatten_zip(data: bytes) -> bytes:
    """Check a zipped Shapefile (size, members) and return it with its files at the top level."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise reject(
            [Message(N_("the zip file cannot be opened: %(error)s"), {"error": repr(str(exc))})]
        ) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise reject(
                [
                    Message(
                        N_("the zip file holds more than %(count)s files"),
                        {"count": MAX_ZIP_MEMBERS},
                    )
                ]
            )
        if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
            raise reject([Message(N_("the zip file unpacks to more than 200 MB"))])
        shps = [i for i in infos if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            raise reject(
                [
                    Message(
                        N_(
                            "the zip file must hold exactly one Shapefile (.shp with its .shx, "
                            ".dbf, .prj)"
                        )
                    )
                ]
            )
        stem = shps[0].filename[:-4]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as flat:
            for info in infos:
                suffix = info.filename[len(stem) :].lower()
                # only the Shapefile's own parts: GDAL would also open e.g. a .vrt beside it
                if info.filename.startswith(stem) and suffix in SHAPEFILE_PARTS:
                    flat.writestr("lots" + suffix, _zip_member(archive, info))
        return out.getvalue()


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Return one member's bytes (never more than the size checked above); refuse damage."""
    try:
        return archive.read(info)
    except Exception:  # CRC, zlib, encryption, unknown method: the zip is damaged
        raise LotImportError(
            [f"the zip file is damaged or encrypted: {_shown(info.filename)} cannot be unpacked"]
        ) from None


def _read_vector_bytes(data: bytes, layer: str | None) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "non conformant file extension"
            layers = pyogrio.list_layers(io.BytesIO(data))
            names = [str(n) for n, _ in layers]
            kinds = {str(n): k for n, k in layers}
            if layer is not None and layer not in names:
                raise reject(
                    [
                        Message(
                            N_("the file has no layer %(layer)s; its layers: %(layers)s"),
                            {"layer": _shown(layer), "layers": [_shown(n) for n in names]},
                        )
                    ]
                )
            name = layer or next((n for n in names if kinds[n] is not None), None)
            if name is None:
                raise reject(
                    [
                        Message(
                            N_(
                                "the file holds only attribute tables, no lot outlines: export "
                                "the lot layer with its polygons"
                            )
                        )
                    ]
                )
            if kinds.get(name) is None:
                raise reject(
                    [
                        Message(
                            N_(
                                "layer %(layer)s has no geometry: choose the layer with the outlines"
                            ),
                            {"layer": _shown(name)},
                        )
                    ]
                )
            # a single-layer file (GeoJSON, Shapefile) is named after its in-memory path,
            # which differs between two opens: read it by default
            frame = pyogrio.read_dataframe(io.BytesIO(data), layer=name if len(names) > 1 else None)
    except LotImportError:
        raise
    except Exception as exc:  # pyogrio raises many types for unreadable files
        raise reject(
            [
                Message(
                    N_("the file cannot be read as lot outlines: %(error)s"),
                    {"error": repr(str(exc)[:300])},
                )
            ]
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise reject([Message(N_("the file holds no geometry column"))])
    return frame


def read_lot_bytes(
    data: bytes, filename: str, *, layer: str | None = None, csv_crs: str | None = None
) -> tuple[gpd.GeoDataFrame, list[Message]]:
    """Read an uploaded lot file from memory; return the frame and any row problems found.

    Raises
    ------
    LotImportError
        If the file is too large, of an unknown kind, unreadable, or holds no outlines.
    """
    if len(data) > MAX_FILE_BYTES:
        raise reject([_too_large()])
    if not data:
        raise reject([Message(N_("the file is empty"))])
    kind = detect_format(filename, data)
    claimed = NAMED_KINDS.get(Path(filename).suffix.lower())
    if claimed is not None and kind != claimed[0]:
        raise reject([Message(claimed[1], {"suffix": _shown(Path(filename).suffix)})])
    if kind is None:
        raise reject(
            [
                Message(
                    N_(
                        "unknown file kind: upload a GeoPackage, GeoJSON, zipped Shapefile or CSV "
                        "with WKT"
                    )
                )
            ]
        )
    if kind == "csv":
        return _read_csv(data, csv_crs)
    if kind == "zip":
        data = _flatten_zip(data)
    frame = _read_vector_bytes(data, layer)
    if len(frame) > MAX_ROWS:
        raise reject([_too_many_rows()])
    return frame, []


def read_lot_file(
    path: Path, *, layer: str | None = None
) -> tuple[gpd.GeoDataFrame, list[Message]]:
    """Read a lot file from disk (the CLI) the same way as an upload."""
    path = Path(path)
    if not path.is_file():
        raise reject([Message(N_("file not found: %(path)s"), {"path": str(path)})])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise reject([_too_large()])
    return read_lot_bytes(path.read_bytes(), path.name, layer=layer)


# --------------------------------------------------------------------------- checking


def _text_or_none(value: Any) -> str | None:
    """Return a cell as stripped text (dates as YYYY-MM-DD), None when empty or missing."""
    if value is None:
        return None
    if not isinstance(value, str | bytes) and np.ndim(value) == 0 and pd.isna(value):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _row_problems(frame: pd.DataFrame) -> list[Message]:
    """Check every attribute of every row; every problem is kept."""
    problems: list[Message] = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        park = _text_or_none(row.get("park_id"))
        lot_no = _text_or_none(row.get("lot_no"))
        status = _text_or_none(row.get("status"))
        if park not in PARK_IDS:
            problems.append(
                Message(
                    N_("row %(row)s: unknown park_id %(value)s; expected one of %(allowed)s"),
                    {"row": number, "value": _shown(park), "allowed": [repr(p) for p in PARK_IDS]},
                )
            )
        if lot_no is None or not LOT_NO_PATTERN.fullmatch(lot_no) or ".." in lot_no:
            problems.append(
                Message(
                    N_(
                        "row %(row)s: lot_no %(value)s is not a lot number (1 to 40 letters, "
                        "digits, kana or kanji, with . _ - inside; no spaces, slashes or line "
                        "breaks)"
                    ),
                    {"row": number, "value": _shown(lot_no)},
                )
            )
        if status not in LOT_STATUSES:
            problems.append(
                Message(
                    N_("row %(row)s: unknown status %(value)s; expected one of %(allowed)s"),
                    {
                        "row": number,
                        "value": _shown(status),
                        "allowed": [repr(s) for s in LOT_STATUSES],
                    },
                )
            )
        available = _text_or_none(row.get("available_from"))
        if available is not None:
            try:
                dt.date.fromisoformat(available[:10])
                if len(available) > 10 and not re.fullmatch(r"[T ][0-9:.+Z-]*", available[10:]):
                    raise ValueError(available)
            except ValueError:
                problems.append(
                    Message(
                        N_("row %(row)s: available_from %(value)s is not a date (YYYY-MM-DD)"),
                        {"row": number, "value": _shown(available)},
                    )
                )
        for key in ("price_per_m2", "area_m2", "phase"):
            value = row.get(key)
            if _text_or_none(value) is None:
                continue
            try:
                number_value = float(str(value).replace(",", ""))
                ok = math.isfinite(number_value) and number_value >= 0
            except ValueError:
                ok = False
            if not ok:
                problems.append(
                    Message(
                        N_("row %(row)s: %(column)s %(value)s is not a non-negative number"),
                        {"row": number, "column": repr(key), "value": _shown(value)},
                    )
                )
        for key in ("occupant", "source"):
            text = _text_or_none(row.get(key))
            if text is not None and (len(text) > MAX_TEXT * (5 if key == "source" else 1)):
                problems.append(
                    Message(
                        N_("row %(row)s: %(column)s is longer than %(limit)s characters"),
                        {
                            "row": number,
                            "column": repr(key),
                            "limit": MAX_TEXT * (5 if key == "source" else 1),
                        },
                    )
                )
            elif text is not None and CONTROL_CHARS.search(text):
                problems.append(
                    Message(
                        N_("row %(row)s: %(column)s contains a control character"),
                        {"row": number, "column": key},
                    )
                )
            elif text is not None and key == "occupant" and ("\n" in text or "\r" in text):
                problems.append(
                    Message(N_("row %(row)s: occupant must be one line"), {"row": number})
                )
    return problems


def _duplicate_problems(ids: pd.Series) -> list[Message]:
    seen: dict[str, int] = {}
    problems = []
    for number, lot_id in enumerate(ids, start=1):
        if lot_id in seen:
            problems.append(
                Message(
                    N_("row %(row)s: lot %(lot)s appears already in row %(first)s"),
                    {"row": number, "lot": _shown(lot_id), "first": seen[lot_id]},
                )
            )
        else:
            seen[lot_id] = number
    return problems


def _geometry_problems(metric: gpd.GeoSeries) -> tuple[list[Message], np.ndarray]:
    """Return problems per row and a mask of the rows whose outline is usable."""
    problems: list[Message] = []
    geoms = metric.to_numpy()
    ok = np.ones(len(geoms), dtype=bool)
    for k, geom in enumerate(geoms):
        number = k + 1
        if geom is None or geom.is_empty:
            problems.append(Message(N_("row %(row)s: the outline is empty"), {"row": number}))
            ok[k] = False
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Message(
                    N_("row %(row)s: the outline is a %(kind)s, not a polygon"),
                    {"row": number, "kind": geom.geom_type},
                )
            )
            ok[k] = False
        elif not geom.is_valid:
            problems.append(
                Message(
                    N_("row %(row)s: invalid outline (%(reason)s)"),
                    {"row": number, "reason": shapely.is_valid_reason(geom)[:80]},
                )
            )
            ok[k] = False
        elif geom.area < MIN_LOT_AREA_M2:
            problems.append(
                Message(
                    N_(
                        "row %(row)s: the outline covers %(area)s m², too small for a lot (a sliver?)"
                    ),
                    {"row": number, "area": round(float(geom.area), 1)},
                )
            )
            ok[k] = False
    return problems, ok


def overlapping_pairs(
    geoms: np.ndarray,
    ok: np.ndarray,
    *,
    min_area: float = OVERLAP_TOLERANCE_M2,
    limit: int = MAX_OVERLAPS,
) -> tuple[list[tuple[int, int, float]], bool]:
    """Find pairs of polygons overlapping by more than ``min_area`` with an STR-tree.

    Candidate pairs come from the spatial index and are measured in chunks; the search stops
    after ``limit`` overlaps, so a file of 1,500 copies of one polygon costs no more than a
    good file. Returns the pairs ``(i, j, area)`` and whether the search stopped early.
    """
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return [], False
    sub = geoms[idx]
    tree = shapely.STRtree(sub)
    left, right = tree.query(sub, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    found: list[tuple[int, int, float]] = []
    chunk = 2048
    for start in range(0, len(left), chunk):
        a, b = left[start : start + chunk], right[start : start + chunk]
        areas = shapely.area(shapely.intersection(sub[a], sub[b]))
        for i, j, area in zip(a, b, areas, strict=True):
            if area > min_area:
                found.append((int(idx[i]), int(idx[j]), float(area)))
                if len(found) >= limit:
                    return found, True
    return found, False


def _bounded(problems: list[Message]) -> list[str]:
    lines = [p.english() for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"… and {len(problems) - MAX_PROBLEMS:,} more problems")
    return lines


def reject(problems: list[Message]) -> LotImportError:
    """Return the error that lists ``problems`` (bounded in count and length)."""
    error = LotImportError(_bounded(problems))
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(
            Message(N_("… and %(count)s more problems"), {"count": len(problems) - MAX_PROBLEMS})
        )
    error.messages = shown  # type: ignore[attr-defined]
    return error


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class LotImportPlan:
    """A checked import: the lots after it, and how they differ from today's."""

    source_name: str
    lots: gpd.GeoDataFrame
    """The new lots of the parks in the file (lot columns of the baseline layer)."""
    parks: tuple[str, ...]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    base_revision: int | None = None

    def diff_text(self) -> str:
        """Return a readable dry-run diff."""
        lines = [
            f"import {self.source_name}: {len(self.lots)} lots in park(s) "
            f"{', '.join(self.parks)} (+{len(self.added)} added, -{len(self.removed)} removed, "
            f"~{len(self.changed)} changed, {self.unchanged} unchanged)"
        ]
        lines += [f"+ {x}" for x in self.added]
        lines += [f"- {x}" for x in self.removed]
        lines += [f"~ {x}" for x in self.changed]
        return "\n".join(lines)


def plan_lot_import(
    raw: gpd.GeoDataFrame,
    layers: Layers,
    *,
    source_name: str,
    read_problems: Sequence[Message] = (),
    source: str | None = None,
    today: dt.date | None = None,
    base_revision: int | None = None,
) -> LotImportPlan:
    """Check a lot frame against the current layers and return the plan (writes nothing).

    Raises
    ------
    LotImportError
        Listing every problem: missing columns, unknown parks or statuses, unsafe lot
        numbers, duplicates, impossible dates, bad numbers, a missing or implausible CRS,
        empty, invalid or sliver outlines, lots outside every park or in another park than
        declared, and overlapping lots.
    """
    today = today or dt.date.today()
    problems: list[Message] = list(read_problems)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        problems.append(
            Message(
                N_("missing column(s) %(missing)s; required: %(required)s"),
                {
                    "missing": [repr(c) for c in missing],
                    "required": [repr(c) for c in REQUIRED_COLUMNS],
                },
            )
        )
    if raw.empty:
        problems.append(Message(N_("the file holds no lots")))
    if raw.crs is None:
        problems.append(Message(N_("the file has no CRS; save it in EPSG:4326 or EPSG:6675")))
    if missing or raw.empty or raw.crs is None:
        raise reject(problems)

    frame = raw.reset_index(drop=True)
    problems += _row_problems(frame)
    park_ids = frame["park_id"].map(_text_or_none)
    lot_nos = frame["lot_no"].map(_text_or_none)
    lot_ids = park_ids.fillna("?") + "/" + lot_nos.fillna("?")
    problems += _duplicate_problems(lot_ids)

    present = frame.geometry.notna() & ~frame.geometry.is_empty
    web_all = frame.to_crs(WEB_CRS)
    if present.any():
        minx, miny, maxx, maxy = web_all.geometry[present].total_bounds
        if not (
            STUDY_BOUNDS[0] <= minx
            and maxx <= STUDY_BOUNDS[2]
            and STUDY_BOUNDS[1] <= miny
            and maxy <= STUDY_BOUNDS[3]
        ):
            problems.append(
                Message(
                    N_(
                        "read as %(crs)s, the lots span %(bounds)s (lon/lat), outside Kanazawa: "
                        "is the file's CRS right?"
                    ),
                    {
                        "crs": CRS.from_user_input(raw.crs).to_string(),
                        "bounds": f"{minx:.3f},{miny:.3f} – {maxx:.3f},{maxy:.3f}",
                    },
                )
            )
            raise reject(problems)
    metric = frame.geometry.to_crs(METRIC_CRS)
    geom_problems, ok = _geometry_problems(metric)
    problems += geom_problems

    parks_m = layers.parks.to_crs(METRIC_CRS)
    park_geoms = parks_m.geometry.to_numpy()
    park_names = list(parks_m["park_id"])
    park_refs = {
        str(r["park_id"]): Name("park", str(r["park_id"]), ja=r.get("name_ja"), en=r.get("name_en"))
        for _, r in parks_m.iterrows()
    }
    points = shapely.point_on_surface(metric.to_numpy()[ok])
    where = np.flatnonzero(ok)
    park_tree = shapely.STRtree(park_geoms)
    nearest_idx, distances = park_tree.query_nearest(
        points, return_distance=True, all_matches=False
    )
    for (point_i, park_i), dist in zip(nearest_idx.T, distances, strict=True):
        row = int(where[point_i]) + 1
        nearest = park_names[int(park_i)]
        declared = park_ids.iloc[row - 1]
        if dist > PARK_TOLERANCE_M:
            problems.append(
                Message(
                    N_("row %(row)s: lies outside every park (nearest %(park)s, %(km)s km away)"),
                    {"row": row, "park": park_refs[nearest], "km": round(float(dist) / 1000, 1)},
                )
            )
        elif declared in PARK_IDS and declared != nearest:
            problems.append(
                Message(
                    N_("row %(row)s: declared in park %(declared)s but lies in %(park)s"),
                    {"row": row, "declared": _shown(declared), "park": park_refs[nearest]},
                )
            )
    pairs, stopped = overlapping_pairs(metric.to_numpy(), ok)
    for i, j, area in pairs:
        problems.append(
            Message(
                N_("rows %(a)s and %(b)s overlap by %(area)s m²"),
                {"a": i + 1, "b": j + 1, "area": round(area)},
            )
        )
    if stopped:
        problems.append(
            Message(
                N_("more lots overlap: the check stopped after %(count)s pairs"),
                {"count": MAX_OVERLAPS},
            )
        )
    if problems:
        raise reject(problems)
    return _build_plan(
        frame, lot_ids, metric, web_all, layers, source_name, source, today, base_revision
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].map(_text_or_none)
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _number_column(frame: pd.DataFrame, name: str) -> pd.Series:
    values = _column(frame, name).map(lambda v: None if v is None else float(v.replace(",", "")))
    return pd.to_numeric(values, errors="coerce")


def _build_plan(
    frame: pd.DataFrame,
    lot_ids: pd.Series,
    metric: gpd.GeoSeries,
    web: gpd.GeoDataFrame,
    layers: Layers,
    source_name: str,
    source: str | None,
    today: dt.date,
    base_revision: int | None,
) -> LotImportPlan:
    label = source or f"official lot layer {source_name}, imported {today.isoformat()}"
    sources = _column(frame, "source").map(lambda v: v or label)
    lots = gpd.GeoDataFrame(
        {
            "lot_id": lot_ids.to_numpy(),
            "park_id": _column(frame, "park_id").to_numpy(),
            "lot_no": _column(frame, "lot_no").to_numpy(),
            "phase": _number_column(frame, "phase").to_numpy(),
            "area_m2": metric.area.round(2).to_numpy(),
            "published_area_m2": _number_column(frame, "area_m2").to_numpy(),
            "status": _column(frame, "status").to_numpy(),
            "available_from": _column(frame, "available_from")
            .map(lambda v: None if v is None else v[:10])
            .to_numpy(),
            "price_per_m2": _number_column(frame, "price_per_m2").to_numpy(),
            "occupant": _column(frame, "occupant").to_numpy(),
            "source": sources.to_numpy(),
            "is_illustrative": False,
            "illustrative_reason": None,
        },
        geometry=web.geometry.to_numpy(),
        crs=WEB_CRS,
    )
    parks_in_file = tuple(sorted(set(lots["park_id"])))
    old = layers.lots[layers.lots["park_id"].isin(parks_in_file)].set_index("lot_id")
    new = lots.set_index("lot_id")
    added = sorted(set(new.index) - set(old.index))
    removed = sorted(set(old.index) - set(new.index))
    changed: list[str] = []
    unchanged = 0
    for lot_id in sorted(set(new.index) & set(old.index)):
        diffs = lot_differences(old.loc[lot_id], new.loc[lot_id])
        if diffs:
            changed.append(f"{lot_id}: " + ", ".join(diffs))
        else:
            unchanged += 1
    return LotImportPlan(
        source_name, lots, parks_in_file, added, removed, changed, unchanged, base_revision
    )


def lot_difference_messages(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Message]:
    """Return what differs between two versions of a lot (status, area, outline, flag)."""
    diffs = []
    if a["status"] != b["status"]:
        diffs.append(
            Message(
                N_("status %(old)s → %(new)s"),
                {"old": Name("status", str(a["status"])), "new": Name("status", str(b["status"]))},
            )
        )
    if abs(float(a["area_m2"]) - float(b["area_m2"])) > 1:
        diffs.append(
            Message(
                N_("area %(old)s → %(new)s m²"),
                {"old": f"{a['area_m2']:,.0f}", "new": f"{b['area_m2']:,.0f}"},
            )
        )
    elif not shapely.equals_exact(a["geometry"], b["geometry"], tolerance=1e-7):
        diffs.append(Message(N_("outline moved")))
    if bool(a["is_illustrative"]) != bool(b["is_illustrative"]):
        diffs.append(Message(N_("illustrative → official")))
    return diffs


def lot_differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Return what differs between two versions of a lot, in English (the CLI's diff)."""
    return [m.english() for m in lot_difference_messages(a, b)]


def plan_changes(plan: LotImportPlan, layers: Layers) -> dict[str, list[Message]]:
    """Return what changes for each changed lot of a plan, as translatable messages."""
    ids = [c.split(":", 1)[0] for c in plan.changed]
    old = layers.lots.set_index("lot_id")
    new = plan.lots.set_index("lot_id")
    return {i: lot_difference_messages(old.loc[i], new.loc[i]) for i in ids}


def plan_geojson(plan: LotImportPlan, layers: Layers) -> dict[str, Any]:
    """Return the dry-run diff as GeoJSON for a map: each lot with ``change`` added/removed/..."""
    changed_ids = {c.split(":", 1)[0] for c in plan.changed}
    new = plan.lots.copy()
    new["change"] = [
        "added" if lot in plan.added else "changed" if lot in changed_ids else "unchanged"
        for lot in new["lot_id"]
    ]
    gone = layers.lots[layers.lots["lot_id"].isin(plan.removed)][
        ["lot_id", "park_id", "status", "geometry"]
    ].copy()
    gone["change"] = "removed"
    both = pd.concat([new[["lot_id", "park_id", "status", "change", "geometry"]], gone])
    frame = gpd.GeoDataFrame(both, geometry="geometry", crs=WEB_CRS)
    data: dict[str, Any] = json.loads(frame.to_json(drop_id=True))
    return data


# --------------------------------------------------------------------------- applying


def compute_drive_times(plan: LotImportPlan, layers: Layers) -> dict[str, pd.DataFrame]:
    """Compute the new lots' drive times (``lot_access``, ``routes``) before any write."""
    from parks.access import lot_drive_times

    return lot_drive_times(layers, plan.lots)


def apply_lot_import(
    store: Any,
    plan: LotImportPlan,
    drive_times: Mapping[str, pd.DataFrame],
    *,
    user: str,
    today: dt.date | None = None,
) -> int:
    """Swap the plan's lots, their drive times, history and events into the store at once.

    Everything happens in one transaction: a crash or error at any point leaves the old
    inventory whole. Refused if the store changed since the plan was made. Returns the
    number of lot changes recorded.

    Raises
    ------
    LotImportError
        If the lots changed since the dry run (run it again).
    """
    from parks.inventory.models import (
        LotAccessRow,
        LotEdit,
        LotRecord,
        LotStatusEvent,
        RouteRow,
        StoreRevision,
    )
    from parks.inventory.seed import access_rows, lot_rows, route_rows
    from parks.inventory.store import bump_revision
    from parks.inventory.users import audit
    from parks.inventory.workflow import PUBLIC_EVENT_NOTE

    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    new_rows = {row["lot_id"]: row for row in lot_rows(plan.lots)}
    with store.write() as session:
        revision = session.get_one(StoreRevision, 1, with_for_update=store.dialect == "postgresql")
        if plan.base_revision is not None and revision.value != plan.base_revision:
            raise reject(
                [Message(N_("the lots changed since this dry run was made; upload the file again"))]
            )
        old = {
            lot.lot_id: lot
            for lot in session.scalars(select(LotRecord).where(LotRecord.park_id.in_(plan.parks)))
        }
        position = session.scalar(select(LotRecord.position).order_by(LotRecord.position.desc()))
        next_position = (position or 0) + 1
        affected = sorted(set(old) | set(new_rows))
        changes = 0
        for lot_id in sorted(set(old) - set(new_rows)):
            lot = old[lot_id]
            session.add(
                LotEdit(
                    lot_id=lot_id,
                    kind="import",
                    version=lot.version + 1,
                    at=now,
                    user_name=user,
                    before=json.dumps({"status": lot.status}),
                    after=json.dumps({"removed": True}),
                    reason=plan.source_name[:500],
                )
            )
            session.delete(lot)
            changes += 1
        for lot_id, row in new_rows.items():
            before = old.get(lot_id)
            if before is None:
                row.update(
                    position=next_position,
                    version=1,
                    verified_on=today,
                    updated_at=now,
                    updated_by=user,
                )
                next_position += 1
                session.execute(insert(LotRecord), [row])
                version, before_json = 1, {}
            else:
                version = before.version + 1
                before_json = {"status": before.status, "area_m2": before.area_m2}
                for key, value in row.items():
                    if key not in ("position", "version"):
                        setattr(before, key, value)
                if row["status"] not in ("negotiating", "reserved"):
                    before.negotiating_firm = None
                    before.negotiation_expires = None
                before.version = version
                before.verified_on = today
                before.updated_at = now
                before.updated_by = user
            session.add(
                LotEdit(
                    lot_id=lot_id,
                    kind="import",
                    version=version,
                    at=now,
                    user_name=user,
                    before=json.dumps(before_json, ensure_ascii=False),
                    after=json.dumps({"status": row["status"], "area_m2": row["area_m2"]}),
                    reason=plan.source_name[:500],
                )
            )
            changes += 1
            if before is None or before_json.get("status") != row["status"]:
                session.add(
                    LotStatusEvent(
                        lot_id=lot_id,
                        date=today,
                        status=row["status"],
                        source=row["source"],
                        is_inferred=False,
                        note=PUBLIC_EVENT_NOTE,
                        from_baseline=False,
                    )
                )
        session.flush()
        session.execute(delete(LotAccessRow).where(LotAccessRow.lot_id.in_(affected)))
        session.execute(delete(RouteRow).where(RouteRow.lot_id.in_(affected)))
        access = access_rows(drive_times.get("lot_access"))
        if access:
            session.execute(insert(LotAccessRow), access)
        routes = route_rows(drive_times.get("routes"))
        if routes:
            session.execute(insert(RouteRow), routes)
        audit(
            session,
            user,
            "import_lots",
            plan.source_name[:200],
            {
                "parks": list(plan.parks),
                "added": len(plan.added),
                "removed": len(plan.removed),
                "changed": len(plan.changed),
            },
        )
        bump_revision(session)
    return changes


def prepare_lot_import(
    data: bytes,
    filename: str,
    layers: Layers,
    *,
    layer: str | None = None,
    source: str | None = None,
    today: dt.date | None = None,
    base_revision: int | None = None,
) -> LotImportPlan:
    """Read and check an uploaded lot file against the current layers (writes nothing)."""
    raw, read_problems = read_lot_bytes(data, filename, layer=layer)
    return plan_lot_import(
        raw,
        layers,
        source_name=Path(filename).name[:200],
        read_problems=read_problems,
        source=source,
        today=today,
        base_revision=base_revision,
    )
