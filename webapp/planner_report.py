"""What the planner pages render: charts as SVG, the suitability image, CSV, GeoJSON and PDF.

Charts are drawn here as SVG markup (no script), so the vacancy page needs no JavaScript
and the PDF shows the same charts. The PDF is the report page rendered by WeasyPrint.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.errors
import rasterio.warp
from markupsafe import Markup, escape
from pyproj import CRS, Transformer
from rasterio.enums import Resampling

from geo.raster import warped_grid

WEB_MERCATOR = CRS.from_epsg(3857)

PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
"""Colour-blind-safe line colours (ColorBrewer Dark2)."""

SCORE_STOPS = (
    (0.0, (255, 255, 204)),
    (0.25, (194, 230, 153)),
    (0.5, (120, 198, 121)),
    (0.75, (49, 163, 84)),
    (1.0, (0, 104, 55)),
)
"""Colour ramp of suitability scores (ColorBrewer YlGn)."""


# --------------------------------------------------------------------------------------------
# charts


@dataclass(frozen=True)
class Line:
    """One series of a line chart: (date, value) points and its label."""

    label: str
    points: Sequence[tuple[date, float]]


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def step_chart_svg(
    lines: Sequence[Line],
    *,
    title: str,
    y_label: str,
    end: date,
    width: int = 720,
    height: int = 320,
    y_max: float = 1.0,
    percent: bool = True,
) -> Markup:
    """Return a step chart (values hold until the next point) as accessible SVG markup."""
    left, right, top, bottom = 56, 250, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    starts = [p[0][0] for p in (line.points for line in lines) if p]
    if not starts:
        return Markup("")
    t0 = min(starts)
    span = max(1, (end - t0).days)

    def x(d: date) -> float:
        return left + plot_w * (d - t0).days / span

    def y(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title-{id(lines)}" class="chart">',
        f'<title id="chart-title-{id(lines)}">{escape(title)}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#767676"/>',
    ]
    for k in range(5):
        v = y_max * k / 4
        label = f"{v:.0%}" if percent else f"{v:,.1f}"
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(v))}" y2="{_fmt(y(v))}" '
            'stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{_fmt(y(v) + 4)}" text-anchor="end" font-size="11">{label}</text>'
        )
    years = range(t0.year + 1, end.year + 1)
    step = max(1, math.ceil(len(years) / 8))
    for year in list(years)[::step]:
        xx = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{_fmt(xx)}" x2="{_fmt(xx)}" y1="{top}" y2="{top + plot_h}" stroke="#eee"/>'
            f'<text x="{_fmt(xx)}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11">{year}</text>'
        )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" font-size="11" transform="rotate(-90 14 '
        f'{top + plot_h / 2})" text-anchor="middle">{escape(y_label)}</text>'
    )
    for i, line in enumerate(lines):
        if not line.points:
            continue
        colour = PALETTE[i % len(PALETTE)]
        coords: list[str] = []
        prev: float | None = None
        for d, v in line.points:
            if prev is not None:
                coords.append(f"{_fmt(x(d))},{_fmt(y(prev))}")
            coords.append(f"{_fmt(x(d))},{_fmt(y(v))}")
            prev = v
        if prev is not None:
            coords.append(f"{_fmt(x(end))},{_fmt(y(prev))}")
        dash = ' stroke-dasharray="6 3"' if i % 2 else ""
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash} points="{" ".join(coords)}"/>'
        )
        ly = top + 14 + 18 * i
        parts.append(
            f'<line x1="{left + plot_w + 10}" x2="{left + plot_w + 30}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{left + plot_w + 34}" y="{ly}" font-size="11">{escape(line.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart_svg(
    values: Mapping[str, float],
    *,
    title: str,
    y_label: str,
    width: int = 720,
    height: int = 280,
) -> Markup:
    """Return a bar chart of labelled values as accessible SVG markup."""
    if not values:
        return Markup("")
    left, right, top, bottom = 56, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max(values.values()) or 1.0
    nice = 10 ** math.floor(math.log10(top_value))
    y_max = math.ceil(top_value / nice) * nice
    n = len(values)
    slot = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="chart-title-{id(values)}" class="chart">',
        f'<title id="chart-title-{id(values)}">{escape(title)}</title>',
    ]
    for k in range(5):
        v = y_max * k / 4
        yy = top + plot_h * (1 - v / y_max)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(yy)}" y2="{_fmt(yy)}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{_fmt(yy + 4)}" text-anchor="end" font-size="11">{v:,.1f}</text>'
        )
    for i, (label, v) in enumerate(values.items()):
        h = plot_h * v / y_max
        xx = left + slot * i + slot * 0.15
        parts.append(
            f'<rect x="{_fmt(xx)}" y="{_fmt(top + plot_h - h)}" width="{_fmt(slot * 0.7)}" '
            f'height="{_fmt(h)}" fill="{PALETTE[0]}"><title>{escape(label)}: {v:,.2f}</title></rect>'
            f'<text x="{_fmt(xx + slot * 0.35)}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" font-size="11" transform="rotate(-90 14 '
        f'{top + plot_h / 2})" text-anchor="middle">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------------------------
# the suitability image


def score_colours(score: np.ndarray) -> np.ndarray:
    """Return RGBA bytes for scores in 0..1 (transparent where NaN)."""
    h, w = score.shape
    out = np.zeros((4, h, w), dtype=np.uint8)
    ok = np.isfinite(score)
    s = np.clip(np.where(ok, score, 0.0), 0.0, 1.0)
    xs = [p[0] for p in SCORE_STOPS]
    for band in range(3):
        out[band] = np.interp(s, xs, [p[1][band] for p in SCORE_STOPS]).astype(np.uint8)
    out[3] = np.where(ok, 200, 0).astype(np.uint8)
    return out


def suitability_png(path: Path, *, max_side: int = 1200) -> tuple[bytes, list[list[float]]]:
    """Render ``suitability.tif`` as a web-mercator PNG; return it and its lat/lon bounds.

    Leaflet stretches an image overlay linearly in web-mercator pixels, so the raster is
    warped to EPSG:3857 first (a plane-rectangular grid is rotated against it).
    """
    with rasterio.open(path) as src:
        transform, width, height = warped_grid(
            src.crs, WEB_MERCATOR, src.width, src.height, tuple(src.bounds)
        )
        scale = max(1.0, max(width, height) / max_side)
        width, height = max(1, int(width / scale)), max(1, int(height / scale))
        transform = transform @ transform.scale(scale, scale)
        dst = np.full((height, width), np.nan, dtype=np.float32)
        rasterio.warp.reproject(
            source=rasterio.band(src, 1),
            destination=dst,
            src_nodata=src.nodata,
            dst_transform=transform,
            dst_crs=WEB_MERCATOR,
            dst_nodata=np.nan,
            resampling=Resampling.nearest if scale <= 1 else Resampling.average,
        )
    rgba = score_colours(dst)
    with warnings.catch_warnings():
        # a plain picture: its place on the map is the bounds returned with it
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.MemoryFile() as mem:
            with mem.open(driver="PNG", width=width, height=height, count=4, dtype="uint8") as png:
                png.write(rgba)
            data = bytes(mem.read())
    to_ll = Transformer.from_crs(WEB_MERCATOR, 4326, always_xy=True)
    west, north = to_ll.transform(transform.c, transform.f)
    east, south = to_ll.transform(
        transform.c + width * transform.a, transform.f + height * transform.e
    )
    return data, [[south, west], [north, east]]


# --------------------------------------------------------------------------------------------
# files


def csv_bytes(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Return rows as UTF-8 CSV with a BOM (so spreadsheet programs read the Japanese)."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


STYLESHEET = Path(__file__).resolve().parent / "static" / "planner.css"


def pdf_from_html(html: str) -> bytes:
    """Render an HTML page to PDF with WeasyPrint, styled by ``static/planner.css``.

    The stylesheet is read from disk and nothing else is fetched, so rendering needs no
    server and never reaches the network.
    """
    import weasyprint

    def no_fetch(url: str, *_args: Any, **_kwargs: Any) -> Any:
        msg = f"the PDF report fetches nothing ({url})"
        raise ValueError(msg)

    document = weasyprint.HTML(string=html, url_fetcher=no_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))])
    return pdf


def outline_svg(
    geometry: Mapping[str, Any], points: Sequence[Mapping[str, Any]] = (), *, size: int = 320
) -> Markup:
    """Return a small SVG sketch of an area outline (lon/lat) with its access points."""
    coords: list[tuple[float, float]] = []
    polys = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for poly in polys:
        for ring in poly:
            coords.extend((float(x), float(y)) for x, y in ring[:])
    if not coords:
        return Markup("")
    lat0 = math.radians(sum(c[1] for c in coords) / len(coords))
    xs = [c[0] * math.cos(lat0) for c in coords]
    ys = [c[1] for c in coords]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    span = max(maxx - minx, maxy - miny) or 1e-9
    pad = 12

    def px(lon: float, lat: float) -> str:
        xx = pad + (lon * math.cos(lat0) - minx) / span * (size - 2 * pad)
        yy = size - pad - (lat - miny) / span * (size - 2 * pad)
        return f"{xx:.1f},{yy:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="outline" aria-hidden="true">'
    ]
    for poly in polys:
        d = " ".join("M" + " L".join(px(x, y) for x, y in ring) + " Z" for ring in poly)
        parts.append(
            f'<path d="{d}" fill="#fdd49e" fill-opacity="0.6" stroke="#b30000" stroke-width="2" fill-rule="evenodd"/>'
        )
    for p in points:
        parts.append(
            f'<circle cx="{px(p["lon"], p["lat"]).split(",")[0]}" cy="{px(p["lon"], p["lat"]).split(",")[1]}" r="3.5" fill="#08519c"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
