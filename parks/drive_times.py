"""Stored drive times: each lot's nearest destination of each kind, read from ``lot_access``.

Split from :mod:`parks.access` so that matching, which only reads the table ``siting
build-access`` stored, does not import the road-network machinery (scipy's graph and spatial
modules, rasterio) that only building or isochrones need.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from parks.data import DESTINATION_KINDS, Layers


def nearest_per_kind(table: pd.DataFrame, dests: gpd.GeoDataFrame) -> pd.DataFrame:
    """Rows of ``table`` (lot_access) that are each lot's fastest destination per kind."""
    kinds = dests.set_index("id")["kind"]
    t = table.dropna(subset=["minutes"]).assign(kind=lambda f: f["destination_id"].map(kinds))
    idx = t.groupby(["lot_id", "kind"])["minutes"].idxmin()
    return t.loc[idx.to_numpy()].reset_index(drop=True)


def stored_lot_access(layers: Layers, profile: str) -> pd.DataFrame | None:
    """Return the stored ``lot_access`` rows of one profile, or None if not stored."""
    stored = layers.optional("lot_access")
    if stored is None or not (stored["profile"] == profile).any():
        return None
    return pd.DataFrame(stored[stored["profile"] == profile]).drop(
        columns=["geometry"], errors="ignore"
    )


def drive_minutes_table(layers: Layers, *, profile: str = "normal") -> pd.DataFrame:
    """Return one row per lot with the minutes to its nearest destination of each kind.

    Columns: ``lot_id``, then for each kind (``interchange``, ``port``, ``airport``,
    ``station``) the minutes in a column named after the kind and the destination id in
    ``<kind>_id``. Lots with no reachable destination of a kind get NaN / None. Computed
    on the road network when ``lot_access`` was not stored for ``profile``.
    """
    table = stored_lot_access(layers, profile)
    if table is None:
        from parks.access import lot_access

        table = lot_access(layers, profile=profile)
    nearest = nearest_per_kind(table, layers.destinations)
    out = pd.DataFrame({"lot_id": layers.lots["lot_id"].to_numpy()})
    for kind in DESTINATION_KINDS:
        part = nearest[nearest["kind"] == kind].set_index("lot_id")
        out[kind] = out["lot_id"].map(part["minutes"]).astype(float)
        out[f"{kind}_id"] = out["lot_id"].map(part["destination_id"])
    return out
