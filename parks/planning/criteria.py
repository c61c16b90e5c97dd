"""Suitability criteria: what each measures, where its data comes from, and how it is scored.

Every criterion turns a measured value into a score from 0 (unsuitable) to 1 (suitable)
with a stated rule. The rules and default weights are ASSUMPTIONS for a first screening,
written down so a planner can change them (weights: ``--weights FILE``); none is an
official standard. A criterion whose layer is not loaded is reported as "no data" and left
out of the weighted mean; it is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from parks.messages import N_
from parks.planning.landcover import LANDCOVER_CLASSES, LANDCOVER_SOURCE

INTERCHANGE_GOOD_MIN = 5.0
INTERCHANGE_BAD_MIN = 30.0
PARK_GOOD_KM = 0.0
PARK_BAD_KM = 10.0
SLOPE_GOOD_DEG = 3.0
SLOPE_BAD_DEG = 15.0
ZONING_UNZONED_SCORE = 0.5

ACCESS_SOURCE = (
    "computed: drive time over OpenStreetMap 2017 roads and the N06 expressway at ASSUMED "
    "speeds (parks/speed_profiles.yaml, profile normal)"
)
PARKS_SOURCE = N_("park outlines of data/kanazawa.gpkg (derived, illustrative)")


def ramp_down(values: np.ndarray, good: float, bad: float) -> np.ndarray:
    """Score 1 at or below ``good``, 0 at or above ``bad``, linear between; NaN stays NaN.

    Examples
    --------
    >>> ramp_down(np.array([2.0, 17.5, 40.0]), 5.0, 30.0).tolist()
    [1.0, 0.5, 0.0]
    """
    v = np.asarray(values, dtype=np.float32)
    out: np.ndarray = np.subtract(np.float32(bad), v)  # one new array, then in place
    np.divide(out, np.float32(bad - good), out=out)
    np.clip(out, 0.0, 1.0, out=out)
    return out


_LANDCOVER_LUT = np.full(256, np.nan, dtype=np.float32)
for _c in LANDCOVER_CLASSES:
    if _c.score is not None:
        _LANDCOVER_LUT[_c.value] = _c.score


def landcover_score(classes: np.ndarray) -> np.ndarray:
    """Score land-cover class values by :data:`LANDCOVER_CLASSES` (NaN: nodata or unconfirmed)."""
    c = np.asarray(classes)
    if c.dtype.kind == "f":
        # into [0, 255], NaN to 0 (fmax ignores NaN), so NaN and -inf land on the unscored
        # entry 0 and +inf on 255; then uint8 indexes the table cheaply
        c = np.fmax(c, 0)
        np.fmin(c, 255, out=c)
        idx = c.astype(np.uint8)
    else:
        idx = np.clip(c, 0, 255)
    out: np.ndarray = _LANDCOVER_LUT[idx]
    return out


def hazard_score(inside_share: np.ndarray) -> np.ndarray:
    """Score 1 minus the share of the cell or area inside the hazard zone."""
    out: np.ndarray = np.float32(1.0) - np.asarray(inside_share, dtype=np.float32)
    return out


def zoning_score(code: np.ndarray) -> np.ndarray:
    """Score a zoning code: 2 = zoned to permit industry (1), 1 = unzoned (0.5), 0 = other (0)."""
    out: np.ndarray = np.asarray(code, dtype=np.float32) * np.float32(ZONING_UNZONED_SCORE)
    return out


@dataclass(frozen=True)
class Criterion:
    """One criterion: its value, unit, source and scoring rule."""

    name: str
    label: str
    unit: str
    rule: str
    source: str
    default_weight: float
    score: Callable[[np.ndarray], np.ndarray]
    layer: str | None = None
    """Kind of user layer it needs (``siting add-layer``); None when the data ships."""
    ramp: tuple[float, float] | None = None
    """``(good, bad)`` when :attr:`score` is :func:`ramp_down` with them (a faster overlay)."""
    table: np.ndarray | None = field(default=None, compare=False)
    """The score per integer value when :attr:`score` looks it up in a table (0..255)."""

    def weighted_part(self, values: np.ndarray, weight: float, out: np.ndarray) -> float:
        """Write ``weight * score(values) - c`` into ``out`` and return the constant ``c``.

        ``out`` is a float32 array of ``values``' shape; NaN scores stay NaN. An overlay sums
        the parts and adds the constants once: a ramp is then one clip and one multiply
        (``w * (bad - clip(v, good, bad)) / (bad - good) = a * clip(v, good, bad) + c``), a
        table one lookup in the weighted table. Equal to the plain formula up to float32
        rounding. Other criteria go through :attr:`score`.
        """
        w = np.float32(weight)
        if self.ramp is not None:
            good, bad = self.ramp
            np.clip(values, np.float32(min(good, bad)), np.float32(max(good, bad)), out=out)
            out *= np.float32(-weight / (bad - good))
            return weight * bad / (bad - good)
        if self.table is not None and values.dtype == np.uint8:
            np.take(self.table * w, values, out=out)
        elif self.table is not None and values.dtype.kind == "f":
            # into [0, 255] (NaN to 0: fmax ignores NaN; 0 is unscored), then index as uint8
            np.fmax(values, np.float32(0.0), out=out)
            np.fmin(out, np.float32(255.0), out=out)
            np.take(self.table * w, out.astype(np.uint8), out=out)
        else:
            np.multiply(self.score(values), w, out=out, casting="same_kind")
        return 0.0


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "interchange_minutes",
        N_("Drive time to the nearest interchange"),
        "min",
        N_("1 at 5 minutes or less, 0 at 30 minutes or more, linear between"),
        ACCESS_SOURCE,
        0.25,
        lambda v: ramp_down(v, INTERCHANGE_GOOD_MIN, INTERCHANGE_BAD_MIN),
        ramp=(INTERCHANGE_GOOD_MIN, INTERCHANGE_BAD_MIN),
    ),
    Criterion(
        "landcover",
        N_("Land cover"),
        "index",
        N_(
            "bare land 1, grassland 0.9, cropland 0.8, paddy 0.7, forest and bamboo 0.4, solar "
            "panels 0.3, water and built-up 0 (excluded); classes with unconfirmed labels unscored"
        ),
        LANDCOVER_SOURCE,
        0.20,
        landcover_score,
        table=_LANDCOVER_LUT,
    ),
    Criterion(
        "park_distance",
        N_("Distance to an existing industrial park"),
        "km",
        N_(
            "1 next to a park, 0 at 10 km or more, linear between (extensions share roads and utilities)"
        ),
        PARKS_SOURCE,
        0.10,
        lambda v: ramp_down(v, PARK_GOOD_KM, PARK_BAD_KM),
        ramp=(PARK_GOOD_KM, PARK_BAD_KM),
    ),
    Criterion(
        "slope",
        N_("Slope"),
        "deg",
        N_("1 at 3° or less, 0 at 15° or more, linear between"),
        "DEM loaded with siting add-layer dem",
        0.15,
        lambda v: ramp_down(v, SLOPE_GOOD_DEG, SLOPE_BAD_DEG),
        layer="dem",
        ramp=(SLOPE_GOOD_DEG, SLOPE_BAD_DEG),
    ),
    Criterion(
        "flood",
        N_("Flood hazard zone"),
        "share",
        N_("1 minus the share inside the flood hazard zone"),
        "flood hazard polygons loaded with siting add-layer flood",
        0.15,
        hazard_score,
        layer="flood",
    ),
    Criterion(
        "landslide",
        N_("Landslide hazard zone"),
        "share",
        N_("1 minus the share inside the landslide hazard zone"),
        "landslide hazard polygons loaded with siting add-layer landslide",
        0.05,
        hazard_score,
        layer="landslide",
    ),
    Criterion(
        "zoning",
        N_("Zoning"),
        "share",
        N_("1 where zoning permits industry, 0.5 where unzoned, 0 in other zones"),
        "zoning polygons loaded with siting add-layer zoning",
        0.10,
        zoning_score,
        layer="zoning",
    ),
)
"""Every criterion, in report order."""

CRITERION_NAMES = tuple(c.name for c in CRITERIA)
CRITERIA_BY_NAME: Mapping[str, Criterion] = {c.name: c for c in CRITERIA}
DEFAULT_WEIGHTS: Mapping[str, float] = {c.name: c.default_weight for c in CRITERIA}
