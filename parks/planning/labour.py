"""Labour shed: residents within 10, 20 and 30 minutes' drive of a lot, a park or any area.

Residents are the 2015 census small areas (``planning.gpkg``), each counted at its
published centroid. A centroid joins its nearest road node by a straight connector (at the
connector speed, as lots do); one more than :data:`~parks.planning.reach.MAX_ATTACH_M` from
every road node lies outside the graph's reach and is reported with its population, never
dropped silently. The drive is from home to the area (the commute), on the same access
graph and assumed speeds as every other drive time (:mod:`parks.access`).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS
from parks.access import AccessNetwork, access_network
from parks.data import Layers
from parks.planning.data import CENSUS_SOURCE, PlanningData
from parks.planning.reach import MAX_ATTACH_M, Entrances, entrances, seconds_to_area

BANDS_MINUTES = (10, 20, 30)
"""The labour-shed bands."""

SOURCE = (
    CENSUS_SOURCE
    + "; drive time over OpenStreetMap 2017 roads and the N06 expressway at ASSUMED speeds "
    "(parks/speed_profiles.yaml), counted at each small area's centroid"
)


@dataclass(frozen=True)
class CentroidAttachment:
    """Census centroids on the graph: node and connector seconds, or outside its reach."""

    node: np.ndarray
    connector_s: np.ndarray
    outside: np.ndarray


_ATTACHED: weakref.WeakKeyDictionary[AccessNetwork, dict[int, CentroidAttachment]] = (
    weakref.WeakKeyDictionary()
)


def attach_centroids(
    acc: AccessNetwork, planning: PlanningData, *, profile: str = "normal"
) -> CentroidAttachment:
    """Join every small-area centroid to its nearest local road node (cached per network)."""
    per_net = _ATTACHED.setdefault(acc, {})
    hit = per_net.get(id(planning))
    if hit is not None:
        return hit
    graph = acc.graph(profile)
    xy = np.column_stack(
        [
            planning.small_areas.to_crs(METRIC_CRS).geometry.x.to_numpy(),
            planning.small_areas.to_crs(METRIC_CRS).geometry.y.to_numpy(),
        ]
    )
    tree, ids = acc.network.node_tree("local")
    dist, idx = tree.query(xy)
    outside = dist > MAX_ATTACH_M
    out = CentroidAttachment(
        node=ids[idx],
        connector_s=dist / (graph.connector_kmh / 3.6),
        outside=outside,
    )
    per_net[id(planning)] = out
    return out


@dataclass(frozen=True)
class LabourShed:
    """Residents within each band of drive minutes, with what could not be counted."""

    bands: tuple[int, ...]
    population_within: dict[int, int]
    small_areas_within: dict[int, int]
    outside_graph: dict[str, int]
    beyond: dict[str, int]
    total: dict[str, int]
    minutes: pd.Series = field(repr=False)
    entrances: Entrances | None = None
    profile: str = "normal"

    def to_dict(self) -> dict[str, Any]:
        """Return the shed as JSON data (band keys as strings)."""
        return {
            "population_within": {str(b): self.population_within[b] for b in self.bands},
            "small_areas_within": {str(b): self.small_areas_within[b] for b in self.bands},
            "outside_graph": dict(self.outside_graph),
            "beyond_last_band": dict(self.beyond),
            "total": dict(self.total),
            "profile": self.profile,
            "is_approximate": True,
            "source": SOURCE,
        }


def labour_shed(
    layers: Layers,
    planning: PlanningData,
    geometry: BaseGeometry,
    *,
    bands: Sequence[int] = BANDS_MINUTES,
    profile: str = "normal",
    crs: Any = METRIC_CRS,
) -> LabourShed:
    """Count the residents within each band of drive minutes of ``geometry``.

    Parameters
    ----------
    layers
        The embedded dataset (its roads make the access graph, built once and cached).
    planning
        The planner's data (census small areas).
    geometry
        The lot, park or area (a polygon or a point).
    bands
        Band limits in minutes.
    profile
        Speed profile.
    crs
        CRS of ``geometry`` (default EPSG:6675).

    Returns
    -------
    LabourShed
        Population and small areas within each band; those outside the graph's reach and
        those it cannot connect (counts and population); per-small-area minutes.
    """
    acc = access_network(layers)
    graph = acc.graph(profile)
    metric = gpd.GeoSeries([geometry], crs=crs).to_crs(METRIC_CRS).iloc[0]
    gates = entrances(graph, metric)
    limit_s = float(max(bands)) * 60.0
    node_s = seconds_to_area(graph, gates, limit_s=limit_s)
    att = attach_centroids(acc, planning, profile=profile)
    secs = node_s[att.node] + att.connector_s
    secs[att.outside] = np.nan
    minutes = pd.Series(secs / 60.0, index=planning.small_areas["small_area_id"], name="minutes")
    pop = planning.small_areas["population"].to_numpy()
    within_pop = {}
    within_n = {}
    for band in bands:
        hit = np.isfinite(secs) & (secs <= band * 60.0)
        within_pop[int(band)] = int(pop[hit].sum())
        within_n[int(band)] = int(hit.sum())
    # the graph is one strongly connected component: every attached centroid reaches the
    # area, and those not within the last band are simply farther away
    beyond = ~att.outside & ~(np.isfinite(secs) & (secs <= limit_s))
    return LabourShed(
        bands=tuple(int(b) for b in bands),
        population_within=within_pop,
        small_areas_within=within_n,
        outside_graph={
            "small_areas": int(att.outside.sum()),
            "population": int(pop[att.outside].sum()),
        },
        beyond={"small_areas": int(beyond.sum()), "population": int(pop[beyond].sum())},
        total={"small_areas": len(pop), "population": int(pop.sum())},
        minutes=minutes,
        entrances=gates,
        profile=profile,
    )
