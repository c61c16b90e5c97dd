"""JAXA land-cover classes: names, whether the label is confirmed, and the development score."""

from __future__ import annotations

from dataclasses import dataclass

from parks.messages import N_

LANDCOVER_SOURCE = N_(
    "© JAXA, High-Resolution Land Use and Land Cover Map of Japan v23.12 (250 m), clipped; "
    "classes 1-12 from the v21.11 legend, classes 13-14 unconfirmed"
)
"""Credit line of the land-cover raster (shared/data/SOURCES.md item 7)."""


@dataclass(frozen=True)
class LandcoverClass:
    """One class of the land-cover raster.

    ``score`` is how readily the land becomes industrial land (1 = open, flat, unbuilt; 0 =
    never): an ASSUMPTION stated in the suitability docs. ``excluded`` names the exclusion
    it triggers (``water``, ``built_up``), and classes whose label is unconfirmed get no
    score at all (a cell of such a class is left out rather than guessed).
    """

    value: int
    name_en: str
    name_ja: str
    label_confirmed: bool
    score: float | None
    excluded: str | None = None


LANDCOVER_CLASSES: tuple[LandcoverClass, ...] = (
    LandcoverClass(1, N_("Water"), "水域", True, 0.0, "water"),
    LandcoverClass(2, N_("Built-up"), "市街地", True, 0.0, "built_up"),
    LandcoverClass(3, N_("Paddy"), "水田", True, 0.7),
    LandcoverClass(4, N_("Cropland"), "畑地", True, 0.8),
    LandcoverClass(5, N_("Grassland"), "草地", True, 0.9),
    LandcoverClass(6, N_("Deciduous broad-leaf forest"), "落葉広葉樹林", True, 0.4),
    LandcoverClass(7, N_("Deciduous needle-leaf forest"), "落葉針葉樹林", True, 0.4),
    LandcoverClass(8, N_("Evergreen broad-leaf forest"), "常緑広葉樹林", True, 0.4),
    LandcoverClass(9, N_("Evergreen needle-leaf forest"), "常緑針葉樹林", True, 0.4),
    LandcoverClass(10, N_("Bare land"), "裸地", True, 1.0),
    LandcoverClass(11, N_("Bamboo"), "竹林", True, 0.4),
    LandcoverClass(12, N_("Solar panels"), "太陽光発電", True, 0.3),
    LandcoverClass(13, N_("Class 13 (label unconfirmed)"), "クラス13(名称未確認)", False, None),
    LandcoverClass(14, N_("Class 14 (label unconfirmed)"), "クラス14(名称未確認)", False, None),
)
"""Every class value present in the raster. Labels 1-12 follow JAXA's v21.11 legend; v23.12
added 13 and 14, whose labels we have not confirmed, so we do not name them."""

CLASS_BY_VALUE = {c.value: c for c in LANDCOVER_CLASSES}

WATER_CLASS = 1
BUILT_UP_CLASS = 2


def landcover_class(value: int) -> LandcoverClass | None:
    """Return the class of a raster value (None for nodata or an unknown value)."""
    return CLASS_BY_VALUE.get(int(value))
