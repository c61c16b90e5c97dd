"""Rasters: a common grid with windows, slope from a DEM, sampling, rasterising and overlay.

Everything here works window by window (rasterio :class:`~rasterio.windows.Window`), so a
city-wide grid of 10 m cells never needs more than a few blocks in memory, and every
dataset is opened inside the function that reads it (no handle outlives a call).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.features
import rasterio.warp
import rasterio.windows
import shapely
from affine import Affine
from pyproj import CRS
from rasterio.enums import Resampling
from rasterio.windows import Window
from scipy import ndimage

from geo.errors import CRSMismatchError, GeoError

SLOPE_NODATA = -9999.0
"""Nodata value of slope rasters (the value ``gdaldem slope`` writes)."""


class RasterError(GeoError, ValueError):
    """A raster cannot be read or processed as asked."""


# --------------------------------------------------------------------------------------------
# the common grid


@dataclass(frozen=True)
class Grid:
    """A north-up grid of square cells in a projected CRS: the frame every criterion shares."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            msg = f"a grid needs a positive size, got {self.width} x {self.height} cells"
            raise RasterError(msg)
        if self.transform.b != 0 or self.transform.d != 0 or self.transform.e >= 0:
            msg = f"a grid must be north-up with no rotation, got transform {self.transform}"
            raise RasterError(msg)

    @classmethod
    def from_bounds(
        cls, bounds: tuple[float, float, float, float], cell_m: float, crs: CRS
    ) -> Grid:
        """Return the grid of ``cell_m`` cells covering ``bounds``, snapped to whole cells.

        The origin snaps to a multiple of ``cell_m``, so grids of one cell size line up.
        """
        if not (cell_m > 0 and math.isfinite(cell_m)):
            msg = f"cell size must be a positive number of metres, got {cell_m!r}"
            raise RasterError(msg)
        xmin, ymin, xmax, ymax = bounds
        x0 = math.floor(xmin / cell_m) * cell_m
        y1 = math.ceil(ymax / cell_m) * cell_m
        width = max(1, math.ceil((xmax - x0) / cell_m))
        height = max(1, math.ceil((y1 - ymin) / cell_m))
        return cls(CRS.from_user_input(crs), Affine(cell_m, 0, x0, 0, -cell_m, y1), width, height)

    @property
    def cell_m(self) -> float:
        """Cell side in CRS units (metres)."""
        return float(self.transform.a)

    @property
    def cell_area_m2(self) -> float:
        """Area of one cell."""
        return self.cell_m * self.cell_m

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``."""
        return (self.height, self.width)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)``."""
        x0, y1 = self.transform.c, self.transform.f
        return (x0, y1 - self.height * self.cell_m, x0 + self.width * self.cell_m, y1)

    def windows(self, block: int = 1024) -> Iterator[Window]:
        """Yield blocks of at most ``block`` x ``block`` cells covering the grid, row by row."""
        for row in range(0, self.height, block):
            for col in range(0, self.width, block):
                yield Window(col, row, min(block, self.width - col), min(block, self.height - row))

    def window_transform(self, window: Window) -> Affine:
        """Return the transform of one window."""
        return shifted(self.transform, window)

    def cell_centres(self, window: Window | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return the x and y of the cell centres of a window (default: the whole grid)."""
        window = window or Window(0, 0, self.width, self.height)
        t = self.window_transform(window)
        cols = np.arange(int(window.width)) + 0.5
        rows = np.arange(int(window.height)) + 0.5
        xs = t.c + cols * t.a
        ys = t.f + rows * t.e
        return np.meshgrid(xs, ys)

    def profile(self, dtype: str, nodata: float | None, **options: Any) -> dict[str, Any]:
        """Return a GeoTIFF profile for a one-band raster on this grid."""
        profile: dict[str, Any] = {
            "driver": "GTiff",
            "width": self.width,
            "height": self.height,
            "count": 1,
            "dtype": dtype,
            "crs": self.crs,
            "transform": self.transform,
            "nodata": nodata,
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
        }
        profile.update(options)
        return profile


def require_projected_metres(crs: CRS | None, *, what: str) -> CRS:
    """Return ``crs`` if it is projected with metre units; raise CRSMismatchError otherwise."""
    if crs is None:
        msg = f"{what} has no CRS; expected a projected CRS in metres (e.g. EPSG:6675)"
        raise CRSMismatchError(msg)
    crs = CRS.from_user_input(crs)
    units = {axis.unit_name for axis in crs.axis_info}
    if not crs.is_projected or not units <= {"metre", "meter"}:
        msg = (
            f"{what} is in {crs.to_string()} ({', '.join(sorted(units)) or 'no units'}); expected "
            "a projected CRS in metres — reproject it first (e.g. gdalwarp -t_srs EPSG:6675)"
        )
        raise CRSMismatchError(msg)
    return crs


def warped_grid(
    src_crs: Any, dst_crs: Any, width: int, height: int, bounds: tuple[float, float, float, float]
) -> tuple[Affine, int, int]:
    """Return the transform and size of a raster warped to ``dst_crs`` at about its resolution.

    Wraps rasterio's ``calculate_default_transform``, silencing the affine deprecation
    warning it raises internally (rasterio 1.4 still multiplies transforms with ``*``).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Use `@` matmul", category=PendingDeprecationWarning
        )
        transform, w, h = rasterio.warp.calculate_default_transform(
            src_crs, dst_crs, width, height, *bounds
        )
    return transform, int(w), int(h)


def shifted(transform: Affine, window: Window) -> Affine:
    """Return the transform of ``window`` (the raster's, moved to the window's corner)."""
    out: Affine = transform @ Affine.translation(window.col_off, window.row_off)
    return out


def window_covering(
    bounds: tuple[float, float, float, float], transform: Affine, width: int, height: int
) -> Window:
    """Return the window of whole cells covering ``bounds``, cut to the raster's extent."""
    inv = ~transform
    xmin, ymin, xmax, ymax = bounds
    cols, rows = inv @ (np.array([xmin, xmax, xmin, xmax]), np.array([ymin, ymin, ymax, ymax]))
    c0 = max(0, math.floor(float(np.min(cols)) + 1e-9))
    r0 = max(0, math.floor(float(np.min(rows)) + 1e-9))
    c1 = min(width, math.ceil(float(np.max(cols)) - 1e-9))
    r1 = min(height, math.ceil(float(np.max(rows)) - 1e-9))
    return Window(c0, r0, max(0, c1 - c0), max(0, r1 - r0))


# --------------------------------------------------------------------------------------------
# slope


def horn_slope_deg(padded: np.ndarray, x_res: float, y_res: float) -> np.ndarray:
    """Return the slope in degrees of the inner cells of ``padded`` (Horn's method).

    ``padded`` holds one extra row and column on every side. With neighbours
    ``a b c / d e f / g h i`` around ``e``:

    .. math::

        \\partial z/\\partial x = ((c + 2f + i) - (a + 2d + g)) / (8 x_{res}),\\quad
        \\partial z/\\partial y = ((g + 2h + i) - (a + 2b + c)) / (8 y_{res})

    and slope = atan(sqrt(dx² + dy²)) (Horn 1981, the method of ``gdaldem slope``). The
    result is exact for a plane. NaN in the 3 x 3 neighbourhood gives NaN.

    Examples
    --------
    >>> z = np.add.outer(np.zeros(4), np.arange(4.0) * 10.0)  # rises 10 m per 10 m cell
    >>> float(horn_slope_deg(z, 10.0, 10.0)[0, 0])
    45.0
    """
    p = np.asarray(padded, dtype=np.float32)
    # differences of neighbours first (small numbers, exact in float32 by Sterbenz's lemma),
    # then the 1-2-1 smoothing across them: accurate on high ground, and only six passes
    across = p[:, 2:] - p[:, :-2]
    dx = across[:-2] + across[2:]
    dx += across[1:-1]
    dx += across[1:-1]
    dx *= np.float32(1.0 / (8.0 * x_res))
    del across
    down = p[2:] - p[:-2]
    dy = down[:, :-2] + down[:, 2:]
    dy += down[:, 1:-1]
    dy += down[:, 1:-1]
    dy *= np.float32(1.0 / (8.0 * y_res))
    del down
    out = np.hypot(dx, dy, out=dx)
    np.arctan(out, out=out)
    out *= np.float32(180.0 / math.pi)
    return out


def _extrapolate_edges(block: np.ndarray, *, top: bool, bottom: bool) -> np.ndarray:
    """Pad a block by one cell: linear extrapolation left/right, and top/bottom where asked.

    A row that comes from the neighbouring window is passed in already (``top``/``bottom``
    False); at the dataset's own edge the missing row is extrapolated, which keeps a plane a
    plane, so edge cells get their true slope instead of a halved one.
    """
    rows = [block]
    if top:
        rows.insert(0, 2 * block[:1] - block[1:2] if len(block) > 1 else block[:1])
    if bottom:
        rows.append(2 * block[-1:] - block[-2:-1] if len(block) > 1 else block[-1:])
    tall = np.vstack(rows) if len(rows) > 1 else block
    if tall.shape[1] > 1:
        left = 2 * tall[:, :1] - tall[:, 1:2]
        right = 2 * tall[:, -1:] - tall[:, -2:-1]
    else:
        left = right = tall[:, :1]
    return np.hstack([left, tall, right])


def slope_from_dem(
    src_path: Path,
    dst_path: Path,
    *,
    block_rows: int = 1024,
    band: int = 1,
    **creation_options: Any,
) -> Path:
    """Write the slope (degrees) of a DEM GeoTIFF, window by window, to ``dst_path``.

    The DEM must be in a projected CRS with metre units (horizontal and vertical). Rows are
    read in strips of ``block_rows`` plus one row of overlap on each side, so the result
    is the same as one pass over the whole raster. Edge cells are computed by linear
    extrapolation; cells next to nodata get nodata (:data:`SLOPE_NODATA`).

    Parameters
    ----------
    src_path
        The DEM.
    dst_path
        Where to write the float32 slope raster (replaced if present).
    block_rows
        Rows per strip.
    band
        Band of the DEM holding elevation.
    creation_options
        GeoTIFF creation options (default: tiled 256 x 256, no compression).

    Returns
    -------
    Path
        ``dst_path``.

    Raises
    ------
    CRSMismatchError
        If the DEM is not in a projected CRS in metres.
    RasterError
        If the DEM cannot be read.
    """
    if block_rows < 1:
        msg = f"block_rows must be at least 1, got {block_rows}"
        raise RasterError(msg)
    try:
        src = rasterio.open(src_path)
    except rasterio.errors.RasterioError as exc:
        msg = f"cannot read DEM {src_path}: {exc}"
        raise RasterError(msg) from exc
    with src:
        require_projected_metres(src.crs, what=f"DEM {Path(src_path).name}")
        t = src.transform
        if t.b != 0 or t.d != 0:
            msg = f"DEM {src_path} is rotated; warp it north-up first"
            raise RasterError(msg)
        x_res, y_res = abs(t.a), abs(t.e)
        height, width = src.height, src.width
        nodata = src.nodatavals[band - 1]
        profile = {
            "driver": "GTiff",
            "width": width,
            "height": height,
            "count": 1,
            "dtype": "float32",
            "crs": src.crs,
            "transform": t,
            "nodata": SLOPE_NODATA,
            "tiled": True,
            "blockxsize": 256,
            "blockysize": 256,
        }
        profile.update(creation_options)
        with rasterio.open(dst_path, "w", **profile) as dst:
            for row in range(0, height, block_rows):
                rows = min(block_rows, height - row)
                r0 = max(0, row - 1)
                r1 = min(height, row + rows + 1)
                dem = src.read(band, window=Window(0, r0, width, r1 - r0), out_dtype="float32")
                if nodata is not None:
                    dem[dem == np.float32(nodata)] = np.nan
                padded = _extrapolate_edges(dem, top=r0 == row, bottom=r1 == row + rows)
                slope = horn_slope_deg(padded, x_res, y_res)
                own = dem[row - r0 : row - r0 + rows]
                slope[np.isnan(slope) | np.isnan(own)] = SLOPE_NODATA  # Horn skips the centre
                dst.write(slope, 1, window=Window(0, row, width, rows))
    return Path(dst_path)


# --------------------------------------------------------------------------------------------
# reading onto the grid, sampling


def read_to_grid(
    path: Path,
    grid: Grid,
    window: Window | None = None,
    *,
    resampling: Resampling = Resampling.nearest,
    band: int = 1,
    dtype: str = "float32",
    fill: float = np.nan,
) -> np.ndarray:
    """Return a raster resampled onto one window of ``grid`` (cells outside it get ``fill``).

    The source is reprojected on the fly, reading only the part under the window.
    """
    window = window or Window(0, 0, grid.width, grid.height)
    out = np.full((int(window.height), int(window.width)), fill, dtype=dtype)
    with rasterio.open(path) as src:
        src_nodata = src.nodatavals[band - 1]
        rasterio.warp.reproject(
            source=rasterio.band(src, band),
            destination=out,
            src_nodata=src_nodata,
            dst_transform=grid.window_transform(window),
            dst_crs=grid.crs,
            dst_nodata=fill,
            resampling=resampling,
        )
    return out


def sample_points(path: Path, xs: np.ndarray, ys: np.ndarray, *, band: int = 1) -> np.ndarray:
    """Return the raster value under each point (NaN off the raster or on nodata).

    Points are in the raster's CRS. Only the window spanning the points is read.
    """
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    out = np.full(xs.shape, np.nan)
    with rasterio.open(path) as src:
        inv = ~src.transform
        cols, rows = inv @ (xs, ys)
        cols = np.floor(cols).astype(np.int64)
        rows = np.floor(rows).astype(np.int64)
        inside = (cols >= 0) & (rows >= 0) & (cols < src.width) & (rows < src.height)
        if not inside.any():
            return out
        c0, c1 = int(cols[inside].min()), int(cols[inside].max()) + 1
        r0, r1 = int(rows[inside].min()), int(rows[inside].max()) + 1
        data = src.read(band, window=Window(c0, r0, c1 - c0, r1 - r0)).astype(float)
        nodata = src.nodatavals[band - 1]
        if nodata is not None:
            data[data == nodata] = np.nan
        out[inside] = data[rows[inside] - r0, cols[inside] - c0]
    return out


def class_pieces(
    path: Path, polygon: shapely.Geometry, *, polygon_crs: CRS, band: int = 1
) -> tuple[np.ndarray, np.ndarray, CRS]:
    """Cut ``polygon`` by the cells of a categorical raster.

    Returns each piece's cell value, the pieces (in the raster's CRS) and that CRS. Every
    cell the polygon touches is cut, so a polygon smaller than a cell still gets its
    classes right. Nodata and cells off the raster are left out.
    """
    import geopandas as gpd

    with rasterio.open(path) as src:
        raster_crs = CRS.from_user_input(src.crs)
        geom = gpd.GeoSeries([polygon], crs=polygon_crs).to_crs(raster_crs).iloc[0]
        window = window_covering(geom.bounds, src.transform, src.width, src.height)
        if window.width == 0 or window.height == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=object), raster_crs
        data = src.read(band, window=window)
        t = shifted(src.transform, window)
        nodata = src.nodatavals[band - 1]
    touched = rasterio.features.geometry_mask(
        [geom], out_shape=data.shape, transform=t, all_touched=True, invert=True
    )
    if nodata is not None:
        touched &= data != nodata
    rows, cols = np.nonzero(touched)
    # north-up cells: corners straight from the transform's scale and origin
    x0 = t.c + cols * t.a
    x1 = x0 + t.a
    y0 = t.f + rows * t.e
    y1 = y0 + t.e
    boxes = shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )
    pieces = shapely.intersection(boxes, geom)
    keep = ~shapely.is_empty(pieces)
    return data[rows, cols][keep].astype(np.int64), pieces[keep], raster_crs


def class_areas(
    path: Path, polygon: shapely.Geometry, *, polygon_crs: CRS, area_crs: CRS, band: int = 1
) -> dict[int, float]:
    """Return the exact area (in ``area_crs`` units²) of ``polygon`` over each raster value.

    Meant for categorical rasters with large cells (land cover); see :func:`class_pieces`.
    """
    import geopandas as gpd

    values, pieces, raster_crs = class_pieces(path, polygon, polygon_crs=polygon_crs, band=band)
    if len(values) == 0:
        return {}
    areas = gpd.GeoSeries(pieces, crs=raster_crs).to_crs(area_crs).area.to_numpy()
    out: dict[int, float] = {}
    for value in np.unique(values):
        total = float(areas[values == value].sum())
        if total > 0:
            out[int(value)] = total
    return out


def values_in_polygon(
    path: Path, polygon: shapely.Geometry, *, polygon_crs: CRS, band: int = 1
) -> np.ndarray:
    """Return the values of the cells whose centres fall in ``polygon`` (nodata dropped).

    A polygon too small to hold a cell centre gets the cells it touches instead.
    """
    import geopandas as gpd

    with rasterio.open(path) as src:
        geom = gpd.GeoSeries([polygon], crs=polygon_crs).to_crs(src.crs).iloc[0]
        window = window_covering(geom.bounds, src.transform, src.width, src.height)
        if window.width == 0 or window.height == 0:
            return np.empty(0)
        data = src.read(band, window=window, out_dtype="float64")
        t = shifted(src.transform, window)
        nodata = src.nodatavals[band - 1]
    valid = np.isfinite(data) if nodata is None else (data != nodata) & np.isfinite(data)
    for touched in (False, True):
        inside = rasterio.features.geometry_mask(
            [geom], out_shape=data.shape, transform=t, all_touched=touched, invert=True
        )
        if inside.any():
            break
    values: np.ndarray = data[inside & valid]
    return values


# --------------------------------------------------------------------------------------------
# rasterising


def rasterize_mask(
    shapes: Iterable[shapely.Geometry],
    grid: Grid,
    window: Window | None = None,
    *,
    all_touched: bool = False,
) -> np.ndarray:
    """Return True for the cells of a window covered by any shape (shapes in the grid's CRS).

    With ``all_touched`` every cell a shape touches is marked: use it for exclusions, so
    that no kept cell overlaps an excluded shape.
    """
    window = window or Window(0, 0, grid.width, grid.height)
    geoms = [g for g in shapes if g is not None and not g.is_empty]
    shape = (int(window.height), int(window.width))
    if not geoms:
        return np.zeros(shape, dtype=bool)
    mask: np.ndarray = rasterio.features.geometry_mask(
        geoms,
        out_shape=shape,
        transform=grid.window_transform(window),
        all_touched=all_touched,
        invert=True,
    )
    return mask


def cells_within(polygon: shapely.Geometry, grid: Grid, window: Window | None = None) -> np.ndarray:
    """Return True for the cells lying wholly inside ``polygon`` (in the grid's CRS)."""
    centre_in = rasterize_mask([polygon], grid, window)
    on_edge = rasterize_mask([polygon.boundary], grid, window, all_touched=True)
    out: np.ndarray = centre_in & ~on_edge
    return out


# --------------------------------------------------------------------------------------------
# overlay and regions


def normalised_weights(weights: Mapping[str, float], names: Sequence[str]) -> dict[str, float]:
    """Return the weights of ``names`` divided by their sum (the weights of a weighted mean).

    Raises
    ------
    RasterError
        If a name has no weight, a weight is negative or not finite, or they sum to zero.
    """
    missing = [n for n in names if n not in weights]
    if missing:
        msg = f"no weight for layer(s) {', '.join(missing)}"
        raise RasterError(msg)
    bad = [n for n in names if not (weights[n] >= 0 and math.isfinite(weights[n]))]
    total = float(sum(weights[n] for n in names))
    if bad or total <= 0:
        msg = f"weights must be non-negative with a positive sum; got {dict(weights)}"
        raise RasterError(msg)
    return {n: weights[n] / total for n in names}


def weighted_overlay(
    scores: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
    *,
    excluded: np.ndarray | None = None,
) -> np.ndarray:
    """Return the weighted mean of score layers: sum(w * s) / sum(w), NaN where excluded.

    Every layer covers the same cells; a NaN score in any layer gives NaN there (no guess).

    Raises
    ------
    RasterError
        If a layer has no weight, a weight is negative or they sum to zero, or shapes differ.
    """
    names = list(scores)
    share = normalised_weights(weights, names)
    shapes = {scores[n].shape for n in names}
    if len(shapes) > 1:
        msg = f"score layers differ in shape: {sorted(shapes)}"
        raise RasterError(msg)
    first = scores[names[0]]
    out = np.zeros(first.shape, dtype=np.float32)
    term = np.empty_like(out)  # one scratch array for every layer: no temporary per layer
    for name in names:
        w = np.float32(share[name])
        if w:
            np.multiply(scores[name], w, out=term, dtype=np.float32, casting="same_kind")
            out += term
        else:
            out[np.isnan(scores[name])] = np.nan
    if excluded is not None:
        out[excluded] = np.nan
    return out


def label_regions(mask: np.ndarray, *, min_cells: int) -> tuple[np.ndarray, int]:
    """Label edge-connected regions of True cells; drop those under ``min_cells`` cells.

    Returns the labels (0 = none, regions 1..n) and n. Edge (4-) connectivity matches the
    polygons :func:`region_polygons` draws: regions touching only at a corner stay apart.
    """
    labels, n = ndimage.label(mask)
    if n == 0:
        return labels.astype(np.int32), 0
    counts = np.bincount(labels.ravel(), minlength=n + 1)
    keep = counts >= max(1, min_cells)
    keep[0] = False
    new_id = np.zeros(n + 1, dtype=np.int32)
    new_id[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    return new_id[labels], int(keep.sum())


def region_polygons(labels: np.ndarray, transform: Affine, ids: Iterable[int]) -> dict[int, Any]:
    """Return the polygon of each labelled region (cell outlines, exact)."""
    slices = ndimage.find_objects(labels)
    out: dict[int, Any] = {}
    for region in ids:
        sl = slices[region - 1]
        if sl is None:
            continue
        sub = labels[sl] == region
        t = transform @ Affine.translation(sl[1].start, sl[0].start)
        parts = [
            shapely.geometry.shape(geom)
            for geom, value in rasterio.features.shapes(
                sub.astype(np.uint8), mask=sub, transform=t, connectivity=4
            )
            if value == 1
        ]
        out[region] = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return out


def write_raster(
    path: Path,
    array: np.ndarray,
    grid: Grid,
    *,
    nodata: float | None = None,
    tags: Mapping[str, str] | None = None,
    **options: Any,
) -> Path:
    """Write one band covering the whole grid (deflate-compressed, tiled)."""
    profile = grid.profile(str(array.dtype), nodata, compress="deflate", **options)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
        if tags:
            dst.update_tags(**tags)
    return Path(path)
