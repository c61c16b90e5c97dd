"""City-wide suitability: criteria rasters on one grid, exclusions, weighted overlay, candidates.

1. **Grid.** Square cells (10 m by default) in EPSG:6675 over the city's bounding box.
2. **Criteria**, one raster each, written window by window: drive minutes to the nearest
   interchange (every road node's time on the access graph, plus the straight link from
   the cell to its nearest node at the connector speed), land-cover class, distance to an
   existing park, and slope, flood, landslide and zoning where a city loaded them.
3. **Exclusions** (a bit mask per cell): outside the city (cells not wholly inside),
   water (OpenStreetMap water or JAXA water class), built-up land (JAXA class 2, or an
   OpenStreetMap developed land use or building), existing
   parks, farther than 2 km from any road, and cells where a criterion has no value (a
   land-cover class with an unconfirmed label, a DEM that does not reach). A cell touching
   an excluded shape is excluded, so no candidate overlaps one.
4. **Overlay**: each criterion's score (rules in :mod:`parks.planning.criteria`) weighted by
   the given or AHP-derived weights, rescaled over the criteria with data.
5. **Candidates**: edge-connected cells scoring at least the threshold (by default the top
   5 % of the scored cells), kept when at least 3 ha, ranked by their mean score.
6. **Sensitivity**: each weight in turn ×0.8 and ×1.2 (the others rescaled); the top
   candidates' scores and ranks under each. The candidate outlines stay fixed.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import shapely
from pyproj import CRS
from rasterio.enums import Resampling
from scipy import ndimage

from geo.crs import METRIC_CRS, WEB_CRS
from geo.raster import (
    Grid,
    cells_within,
    label_regions,
    normalised_weights,
    rasterize_mask,
    read_to_grid,
    region_polygons,
)
from parks.access import access_network
from parks.data import Layers
from parks.planning.area import city_polygon
from parks.planning.criteria import CRITERIA, CRITERIA_BY_NAME
from parks.planning.data import PlanningData
from parks.planning.landcover import BUILT_UP_CLASS, LANDCOVER_SOURCE, WATER_CLASS
from parks.planning.layers import LayerStore
from parks.planning.reach import MAX_ATTACH_M, with_virtual_node
from parks.planning.weights import CriteriaWeights, default_weights

EXCLUSIONS = ("outside_city", "water", "built_up", "existing_park", "no_road", "no_value")
"""Exclusion reasons, one bit each in ``exclusion.tif`` (bit 0 first)."""

SENSITIVITY_FACTORS = (0.8, 1.2)
"""Each weight is varied by ±20 %."""

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything the window pass needs, prepared once."""

    grid: Grid
    city: Any
    node_minutes: np.ndarray
    node_tree: Any
    node_ids: np.ndarray
    connector_mps: float
    park_km: np.ndarray
    water: list[Any]
    built_up: list[Any]
    parks: list[Any]
    landcover_path: Path
    slope_path: Path | None
    hazards: dict[str, list[Any]]
    zoning: tuple[list[Any], list[Any]] | None


@dataclass(frozen=True)
class SuitabilityResult:
    """The outcome of one run; the rasters live in ``out_dir``."""

    out_dir: Path
    grid: Grid
    weights: CriteriaWeights
    weights_used: dict[str, float]
    criteria: dict[str, dict[str, Any]]
    exclusions: dict[str, dict[str, float]]
    threshold: float
    candidates: gpd.GeoDataFrame
    sensitivity: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Return the run's report as JSON data (candidates without outlines)."""
        cand = pd.DataFrame(self.candidates.drop(columns="geometry"))
        return {
            "grid": {
                "crs": "EPSG:6675",
                "cell_m": self.grid.cell_m,
                "width": self.grid.width,
                "height": self.grid.height,
                "bounds": [round(b, 1) for b in self.grid.bounds],
            },
            "weights": self.weights.to_dict(),
            "weights_used": {k: round(v, 4) for k, v in self.weights_used.items()},
            "criteria": self.criteria,
            "exclusions": self.exclusions,
            "threshold": round(self.threshold, 4),
            "candidates": json.loads(cand.to_json(orient="records")),
            "sensitivity": self.sensitivity,
            "files": sorted(p.name for p in self.out_dir.glob("*") if p.is_file()),
            "is_approximate": True,
        }


def _polygons_of_classes(path: Path, classes: tuple[int, ...]) -> dict[int, list[Any]]:
    """Return the land-cover cells of each class as polygons in EPSG:6675."""
    with rasterio.open(path) as src:
        data = src.read(1)
        shapes = rasterio.features.shapes(
            data, mask=np.isin(data, classes), transform=src.transform, connectivity=4
        )
        crs = src.crs
        found: dict[int, list[Any]] = {c: [] for c in classes}
        for geom, value in shapes:
            found[int(value)].append(shapely.geometry.shape(geom))
    out: dict[int, list[Any]] = {}
    for c, geoms in found.items():
        dense: Any = geoms
        if geoms and crs.is_geographic:
            # densify (every ~50 m) so a lon/lat cell's edges stay true after reprojection
            dense = shapely.segmentize(np.asarray(geoms, dtype=object), 0.0005)
        out[c] = list(gpd.GeoSeries(dense, crs=crs).to_crs(METRIC_CRS).to_numpy())
    return out


def prepare_inputs(
    layers: Layers,
    planning: PlanningData,
    store: LayerStore,
    *,
    cell_m: float,
    profile: str = "normal",
) -> Inputs:
    """Prepare the grid and everything the window pass reads (once per run)."""
    city = city_polygon(layers)
    grid = Grid.from_bounds(city.bounds, cell_m, METRIC_CRS)
    acc = access_network(layers)
    graph = acc.graph(profile)
    dest = acc.destinations
    is_ic = (dest["kind"] == "interchange").to_numpy()
    att = acc.destination_attachment
    matrix = with_virtual_node(
        graph.reverse, att.node[is_ic], att.connector_s(graph.connector_kmh)[is_ic]
    )
    from scipy.sparse import csgraph

    secs = csgraph.dijkstra(matrix, directed=True, indices=matrix.shape[0] - 1)[:-1]
    tree, ids = acc.network.node_tree("local")
    parks = list(layers.parks.to_crs(METRIC_CRS).geometry)
    park_mask = rasterize_mask(parks, grid)
    park_km = (
        ndimage.distance_transform_edt(~park_mask).astype(np.float32) * np.float32(cell_m / 1000.0)
        if park_mask.any()
        else np.full(grid.shape, np.inf, dtype=np.float32)
    )
    classes = _polygons_of_classes(planning.landcover_path, (WATER_CLASS, BUILT_UP_CLASS))
    water = list(layers.water.to_crs(METRIC_CRS).geometry) + classes[WATER_CLASS]
    built_up = classes[BUILT_UP_CLASS] + list(planning.built_up.to_crs(METRIC_CRS).geometry)
    hazards = {}
    for kind in ("flood", "landslide"):
        frame = store.polygons(kind)
        if frame is not None:
            hazards[kind] = list(frame.to_crs(METRIC_CRS).geometry)
    zoning = None
    frame = store.polygons("zoning")
    if frame is not None:
        metric = frame.to_crs(METRIC_CRS)
        zoning = (
            list(metric.geometry[metric["permits_industry"].astype(bool)]),
            list(metric.geometry),
        )
    return Inputs(
        grid=grid,
        city=city,
        node_minutes=(secs / 60.0).astype(np.float32),
        node_tree=tree,
        node_ids=ids,
        connector_mps=graph.connector_kmh / 3.6,
        park_km=park_km,
        water=water,
        built_up=built_up,
        parks=parks,
        landcover_path=planning.landcover_path,
        slope_path=store.slope_path(),
        hazards=hazards,
        zoning=zoning,
    )


def criteria_values(inputs: Inputs, window: Any) -> dict[str, np.ndarray]:
    """Return each available criterion's raw value on one window of the grid."""
    grid = inputs.grid
    xs, ys = grid.cell_centres(window)
    dist, idx = inputs.node_tree.query(
        np.column_stack([xs.ravel(), ys.ravel()]), distance_upper_bound=MAX_ATTACH_M
    )
    found = np.isfinite(dist)
    minutes = np.full(dist.shape, np.nan, dtype=np.float32)
    nodes = inputs.node_ids[idx[found]]
    minutes[found] = inputs.node_minutes[nodes] + (dist[found] / inputs.connector_mps / 60.0)
    rows = slice(int(window.row_off), int(window.row_off + window.height))
    cols = slice(int(window.col_off), int(window.col_off + window.width))
    values: dict[str, np.ndarray] = {
        "interchange_minutes": minutes.reshape(xs.shape),
        "landcover": read_to_grid(
            inputs.landcover_path, grid, window, dtype="float32", fill=np.nan
        ),
        "park_distance": inputs.park_km[rows, cols],
    }
    if inputs.slope_path is not None:
        slope = read_to_grid(
            inputs.slope_path, grid, window, resampling=Resampling.bilinear, fill=np.nan
        )
        slope[slope < 0] = np.nan
        values["slope"] = slope
    for kind, shapes in inputs.hazards.items():
        values[kind] = rasterize_mask(shapes, grid, window).astype(np.float32)
    if inputs.zoning is not None:
        permits, zoned = inputs.zoning
        code = np.where(rasterize_mask(zoned, grid, window), 0.0, 1.0).astype(np.float32)
        code[rasterize_mask(permits, grid, window)] = 2.0
        values["zoning"] = code
    return values


def exclusion_bits(inputs: Inputs, window: Any, values: dict[str, np.ndarray]) -> np.ndarray:
    """Return the exclusion bit mask of one window (see :data:`EXCLUSIONS`)."""
    grid = inputs.grid
    bits = np.zeros((int(window.height), int(window.width)), dtype=np.uint8)
    bits |= (~cells_within(inputs.city, grid, window)).astype(np.uint8) << 0
    bits |= rasterize_mask(inputs.water, grid, window, all_touched=True).astype(np.uint8) << 1
    bits |= rasterize_mask(inputs.built_up, grid, window, all_touched=True).astype(np.uint8) << 2
    bits |= rasterize_mask(inputs.parks, grid, window, all_touched=True).astype(np.uint8) << 3
    bits |= np.isnan(values["interchange_minutes"]).astype(np.uint8) << 4
    missing = np.zeros(bits.shape, dtype=bool)
    for name, v in values.items():
        missing |= np.isnan(CRITERIA_BY_NAME[name].score(v))
    bits |= missing.astype(np.uint8) << 5
    return bits


class WindowScorer:
    """Scores windows of criteria values into the weighted overlay, reusing its buffers.

    Each criterion writes its weighted part into a contiguous buffer of the window's shape
    (cheaper than arithmetic on a view into a larger grid, and a fresh array per window
    costs page faults), the parts are summed with the ramps' constants added once, then the
    excluded cells are set to NaN. Equal to :func:`geo.raster.weighted_overlay` of the
    criteria scores up to float32 rounding.
    """

    def __init__(self, used: dict[str, float]) -> None:
        self.share = normalised_weights(used, list(used))
        self._buffers: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, values: dict[str, np.ndarray], bits: np.ndarray) -> np.ndarray:
        """Return the window's scores, NaN where excluded (valid until the next call)."""
        if bits.shape not in self._buffers:
            self._buffers[bits.shape] = (
                np.empty(bits.shape, dtype=np.float32),
                np.empty(bits.shape, dtype=np.float32),
                np.empty(bits.shape, dtype=bool),
            )
        acc, part, excluded = self._buffers[bits.shape]
        constant = 0.0
        for i, (name, w) in enumerate(self.share.items()):
            crit = CRITERIA_BY_NAME[name]
            if i == 0:
                constant += crit.weighted_part(values[name], w, acc)
            else:
                constant += crit.weighted_part(values[name], w, part)
                acc += part
        if not self.share:
            acc[...] = 0.0
        if constant:
            acc += np.float32(constant)
        np.not_equal(bits, 0, out=excluded)
        np.copyto(acc, np.float32(np.nan), where=excluded)
        return acc


def overlay_from_rasters(
    out_dir: Path, used: dict[str, float], *, block: int = 512, write: bool = True
) -> np.ndarray | Path:
    """Recompute the overlay from a run's criteria and exclusion rasters, window by window.

    Lets a planner re-weight a run without rebuilding its criteria (and is the step the
    benchmark times against a per-cell loop). Writes ``suitability.tif`` and returns its
    path, or with ``write=False`` returns the scores as an array.
    """
    out_dir = Path(out_dir)
    # the criteria rasters are uncompressed: GDAL then copies the window straight out of
    # the file instead of through its block cache
    with rasterio.Env(GTIFF_DIRECT_IO=True):
        score, grid = _overlay_windows(out_dir, used, block)
    if not write:
        return score
    with _writer(out_dir / "suitability.tif", grid, "float32", float("nan")) as dst:
        dst.write(score, 1)
    return out_dir / "suitability.tif"


def _overlay_windows(out_dir: Path, used: dict[str, float], block: int) -> tuple[np.ndarray, Grid]:
    """Read the criteria and exclusion rasters window by window and score them."""
    sources = {n: rasterio.open(out_dir / "criteria" / f"{n}.tif") for n in used}
    scorer = WindowScorer(used)
    try:
        with rasterio.open(out_dir / "exclusion.tif") as ex:
            grid = Grid(CRS.from_user_input(ex.crs), ex.transform, ex.width, ex.height)
            score = np.empty(grid.shape, dtype=np.float32)  # every window is written below
            # read into buffers kept per window shape: a fresh array per read costs more
            # than the read itself
            buffers: dict[tuple[int, int], dict[str, np.ndarray]] = {}
            for window in grid.windows(block):
                shape = (int(window.height), int(window.width))
                if shape not in buffers:
                    buffers[shape] = {
                        n: np.empty(shape, dtype=src.dtypes[0])
                        for n, src in [*sources.items(), ("", ex)]
                    }
                buf = buffers[shape]
                bits = ex.read(1, window=window, out=buf[""])
                rows = slice(int(window.row_off), int(window.row_off + window.height))
                cols = slice(int(window.col_off), int(window.col_off + window.width))
                if bits.all():  # wholly excluded: nothing to read or score
                    score[rows, cols] = np.nan
                    continue
                values = {n: src.read(1, window=window, out=buf[n]) for n, src in sources.items()}
                score[rows, cols] = scorer(values, bits)
    finally:
        for src in sources.values():
            src.close()
    return score, grid


def _stored_type(name: str) -> tuple[str, float]:
    """Data type and nodata of a criterion's raster: uint8 (0 = nodata) for class values.

    Class values (a criterion scored by a table, e.g. land cover) fit a byte, a quarter of
    the float32 the measured values take: the overlay reads them back faster.
    """
    if CRITERIA_BY_NAME[name].table is not None:
        return "uint8", 0
    return "float32", float("nan")


def _stored(name: str, values: np.ndarray) -> np.ndarray:
    """Return a criterion's values as written to its raster (see :func:`_stored_type`)."""
    if _stored_type(name)[0] == "uint8":
        return np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0).astype(np.uint8)
    return values.astype(np.float32, copy=False)


def _writer(
    path: Path, grid: Grid, dtype: str, nodata: float | None, *, compress: bool = True
) -> Any:
    """Open a raster of the run for writing (ZSTD: small on disk, fast to read back).

    The criteria and exclusion rasters are intermediates read back window by window by the
    overlay, so they stay uncompressed (``compress=False``): reading them is then a plain
    copy.
    """
    options: dict[str, Any] = {"compress": "zstd", "zstd_level": 1} if compress else {}
    return rasterio.open(path, "w", **grid.profile(dtype, nodata, **options))


def suitability(
    layers: Layers,
    planning: PlanningData,
    out_dir: Path,
    *,
    store: LayerStore | None = None,
    cell_m: float = 10.0,
    weights: CriteriaWeights | None = None,
    min_area_ha: float = 3.0,
    threshold: float | None = None,
    top_share: float = 0.05,
    max_candidates: int = 50,
    sensitivity_top: int = 5,
    block: int = 512,
    profile: str = "normal",
    progress: Progress = _noop,
) -> SuitabilityResult:
    """Run the city-wide suitability analysis and write its rasters and tables to ``out_dir``.

    Parameters
    ----------
    layers, planning, store
        The embedded dataset, the planner's data and the layers a city loaded.
    out_dir
        Output folder: ``criteria/<name>.tif`` (raw values), ``exclusion.tif`` (bit mask),
        ``suitability.tif`` (0-1, nodata where excluded), ``candidates.geojson``,
        ``candidates.csv``, ``sensitivity.json``, ``report.json``.
    cell_m
        Cell size in metres.
    weights
        Criteria weights (default: :func:`~parks.planning.weights.default_weights`).
    min_area_ha
        Smallest candidate.
    threshold
        Lowest score a candidate cell may have (default: the top ``top_share`` of cells).
    top_share
        Share of the scored cells that may form candidates when no threshold is given.
    max_candidates
        Candidates kept (best first).
    sensitivity_top
        Candidates whose ranks are tested against ±20 % on each weight.
    block
        Window side in cells.
    """
    store = store or LayerStore(None)
    weights = weights or default_weights()
    if not 0 < top_share <= 1:
        msg = f"top_share must be in (0, 1], got {top_share}"
        raise ValueError(msg)
    out_dir = Path(out_dir)
    (out_dir / "criteria").mkdir(parents=True, exist_ok=True)
    progress("preparing the grid and the access graph")
    inputs = prepare_inputs(layers, planning, store, cell_m=cell_m, profile=profile)
    grid = inputs.grid
    available = {"interchange_minutes", "landcover", "park_distance"}
    available |= set(inputs.hazards)
    if inputs.slope_path is not None:
        available.add("slope")
    if inputs.zoning is not None:
        available.add("zoning")
    used = weights.used(available)
    names = [c.name for c in CRITERIA if c.name in available]

    progress(
        f"criteria, exclusions and overlay on {grid.width} x {grid.height} cells of {cell_m:g} m"
    )
    counts = np.zeros(len(EXCLUSIONS), dtype=np.int64)
    excluded_any = 0
    scorer = WindowScorer(used)
    writers = {
        n: _writer(out_dir / "criteria" / f"{n}.tif", grid, *_stored_type(n), compress=False)
        for n in names
    }
    try:
        with (
            _writer(out_dir / "exclusion.tif", grid, "uint8", None, compress=False) as ex_dst,
            _writer(out_dir / "suitability.tif", grid, "float32", float("nan")) as s_dst,
        ):
            ex_dst.update_tags(BITS=", ".join(f"{i}={n}" for i, n in enumerate(EXCLUSIONS)))
            for window in grid.windows(block):
                values = criteria_values(inputs, window)
                bits = exclusion_bits(inputs, window, values)
                for name in names:
                    writers[name].write(_stored(name, values[name]), 1, window=window)
                ex_dst.write(bits, 1, window=window)
                s_dst.write(scorer(values, bits), 1, window=window)
                for i in range(len(EXCLUSIONS)):
                    counts[i] += int(np.count_nonzero(bits & (1 << i)))
                excluded_any += int(np.count_nonzero(bits))
    finally:
        for w in writers.values():
            w.close()

    progress("candidate areas")
    with rasterio.open(out_dir / "suitability.tif") as src:
        score = src.read(1)
    scored = np.isfinite(score)
    if threshold is None:
        threshold = float(np.quantile(score[scored], 1.0 - top_share)) if scored.any() else 1.0
    min_cells = math.ceil(min_area_ha * 1e4 / grid.cell_area_m2 - 1e-9)
    labels, n = label_regions(scored & (score >= threshold), min_cells=min_cells)
    del score
    candidates, means = _rank_candidates(
        out_dir, grid, labels, n, names, used, block, max_candidates
    )
    progress(f"{n} areas of {min_area_ha:g} ha or more; {len(candidates)} kept")
    sensitivity = _sensitivity(candidates, means, weights, available, sensitivity_top)

    cell_ha = grid.cell_area_m2 / 1e4
    exclusions = {
        name: {"cells": int(counts[i]), "ha": round(float(counts[i]) * cell_ha, 1)}
        for i, name in enumerate(EXCLUSIONS)
    }
    exclusions["any"] = {"cells": excluded_any, "ha": round(excluded_any * cell_ha, 1)}
    criteria_info: dict[str, dict[str, Any]] = {}
    for c in CRITERIA:
        loaded = c.name in available
        source = c.source
        if c.layer is not None:
            source = (
                store.source(c.layer)
                or f"not loaded: siting add-layer {c.layer} FILE --source TEXT"
            )
        criteria_info[c.name] = {
            "label": c.label,
            "status": "loaded" if loaded else "no data",
            "rule": c.rule,
            "source": source if c.name != "landcover" else LANDCOVER_SOURCE,
            "weight": round(float(weights.weights.get(c.name, 0.0)), 4),
            "weight_used": round(used.get(c.name, 0.0), 4),
        }
    result = SuitabilityResult(
        out_dir=out_dir,
        grid=grid,
        weights=weights,
        weights_used=used,
        criteria=criteria_info,
        exclusions=exclusions,
        threshold=threshold,
        candidates=candidates,
        sensitivity=sensitivity,
    )
    _write_tables(out_dir, result)
    return result


def _rank_candidates(
    out_dir: Path,
    grid: Grid,
    labels: np.ndarray,
    n: int,
    names: list[str],
    used: dict[str, float],
    block: int,
    max_candidates: int,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Rank the labelled regions by mean score; outline the best; return their criteria means."""
    sums = {name: np.zeros(n + 1) for name in names}
    cells = np.bincount(labels.ravel(), minlength=n + 1).astype(float)
    sources = {name: rasterio.open(out_dir / "criteria" / f"{name}.tif") for name in names}
    try:
        for window in grid.windows(block):
            rows = slice(int(window.row_off), int(window.row_off + window.height))
            cols = slice(int(window.col_off), int(window.col_off + window.width))
            lab = labels[rows, cols].ravel()
            keep = lab > 0
            if not keep.any():
                continue
            for name in names:
                v = sources[name].read(1, window=window).ravel()
                s = CRITERIA_BY_NAME[name].score(v[keep])
                sums[name] += np.bincount(lab[keep], weights=s, minlength=n + 1)
    finally:
        for src in sources.values():
            src.close()
    with np.errstate(invalid="ignore", divide="ignore"):
        means = pd.DataFrame({name: sums[name][1:] / cells[1:] for name in names})
    means.index = np.arange(1, n + 1)
    overall = _weighted(means, used)
    area_ha = cells[1:] * grid.cell_area_m2 / 1e4
    order = sorted(range(1, n + 1), key=lambda r: (-float(overall[r]), -area_ha[r - 1], r))
    best = order[:max_candidates]
    polys = region_polygons(labels, grid.transform, best)
    rows_out = []
    for rank, region in enumerate(best, start=1):
        row: dict[str, Any] = {
            "rank": rank,
            "candidate_id": f"c{rank:03d}",
            "score": round(float(overall[region]), 4),
            "area_ha": round(float(area_ha[region - 1]), 3),
            "cells": int(cells[region]),
        }
        for name in names:
            row[f"score_{name}"] = round(float(means[name].to_numpy()[region - 1]), 4)
        row["geometry"] = polys[region]
        rows_out.append(row)
    frame = gpd.GeoDataFrame(
        rows_out or None,
        columns=[
            "rank",
            "candidate_id",
            "score",
            "area_ha",
            "cells",
            *[f"score_{n}" for n in names],
            "geometry",
        ],
        geometry="geometry",
        crs=METRIC_CRS,
    ).to_crs(WEB_CRS)
    ranked = means.loc[order] if order else means.iloc[0:0]
    ranked.index = pd.RangeIndex(1, len(order) + 1)
    return frame, ranked


def _weighted(means: pd.DataFrame, used: dict[str, float]) -> pd.Series:
    """Return each region's overlay score from its criteria means (linear in the weights)."""
    out = pd.Series(0.0, index=means.index)
    for name, w in used.items():
        out = out + means[name] * w
    return out


def _sensitivity(
    candidates: gpd.GeoDataFrame,
    means: pd.DataFrame,
    weights: CriteriaWeights,
    available: set[str],
    top: int,
) -> list[dict[str, Any]]:
    """Score and rank every candidate under each weight ×0.8 and ×1.2; report the top ones.

    A candidate's mean score is linear in the weights (mean of weighted sums = weighted sum
    of means), so each variant is exact without another pass over the grid.
    """
    if means.empty:
        return []
    names = list(means.columns)
    base_used = weights.used(available)
    base = _weighted(means, base_used)
    base_rank = base.rank(ascending=False, method="min").astype(int)
    out = []
    k = min(top, len(candidates))
    variants: dict[str, dict[str, Any]] = {}
    for name in names:
        for factor in SENSITIVITY_FACTORS:
            if weights.weights.get(name, 0.0) == 0:
                continue
            used = weights.scaled(name, factor).used(available)
            s = _weighted(means, used)
            variants[f"{name}{'+' if factor > 1 else '-'}{abs(factor - 1):.0%}"] = {
                "criterion": name,
                "factor": factor,
                "score": s,
                "rank": s.rank(ascending=False, method="min").astype(int),
            }
    for i in range(1, k + 1):
        entry: dict[str, Any] = {
            "candidate_id": candidates.iloc[i - 1]["candidate_id"],
            "rank": int(base_rank[i]),
            "score": round(float(base[i]), 4),
            "variants": [],
        }
        ranks = [int(base_rank[i])]
        for label, v in variants.items():
            entry["variants"].append(
                {
                    "change": label,
                    "criterion": v["criterion"],
                    "factor": v["factor"],
                    "score": round(float(v["score"][i]), 4),
                    "rank": int(v["rank"][i]),
                }
            )
            ranks.append(int(v["rank"][i]))
        entry["rank_range"] = [min(ranks), max(ranks)]
        entry["stable"] = min(ranks) == max(ranks)
        out.append(entry)
    return out


def _write_tables(out_dir: Path, result: SuitabilityResult) -> None:
    cand = result.candidates
    (out_dir / "candidates.geojson").write_text(cand.to_json(drop_id=True), encoding="utf-8")
    pd.DataFrame(cand.drop(columns="geometry")).to_csv(out_dir / "candidates.csv", index=False)
    (out_dir / "sensitivity.json").write_text(
        json.dumps(result.sensitivity, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out_dir / "report.json").write_text(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
    )


def remove_outputs(out_dir: Path) -> None:
    """Delete a run's output folder (the web app's scratch runs)."""
    shutil.rmtree(out_dir, ignore_errors=True)
