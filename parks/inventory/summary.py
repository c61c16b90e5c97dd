"""Summaries of the embedded dataset: per-layer counts and provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from geo.io import is_table, list_layers, read_table, read_vector
from parks.data import gpkg_path
from parks.errors import DataNotFoundError

FLAG_COLUMNS = ("is_illustrative", "is_approximate", "is_inferred")
SOURCE_COLUMNS = ("source", "provenance")


def layer_summary(data_dir: Path) -> list[dict[str, Any]]:
    """Return one summary row per layer: features, CRS, bounds, rows with a source, flagged rows."""
    path = gpkg_path(data_dir)
    if not path.exists():
        msg = f"no dataset at {path}; build it with `siting build-data`"
        raise DataNotFoundError(msg)
    rows = []
    for name in list_layers(path):
        is_geo = not is_table(path, name)
        frame: pd.DataFrame = read_vector(path, name) if is_geo else read_table(path, name)
        source_col = next((c for c in SOURCE_COLUMNS if c in frame.columns), None)
        with_source = (
            0
            if source_col is None
            else int(frame[source_col].fillna("").astype(str).str.strip().ne("").sum())
        )
        flagged = sum(
            int(frame[c].fillna(False).astype(bool).sum())
            for c in FLAG_COLUMNS
            if c in frame.columns
        )
        rows.append(
            {
                "layer": name,
                "features": len(frame),
                "crs": frame.crs.to_string() if is_geo and frame.crs is not None else None,
                "bounds": tuple(frame.total_bounds) if is_geo else None,
                "with_source": with_source,
                "flagged": flagged,
            }
        )
    return rows
