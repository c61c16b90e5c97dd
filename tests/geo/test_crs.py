"""CRS handling: mismatches raise, and metric/web round trips hold."""

from __future__ import annotations

import geopandas as gpd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.crs import METRIC_CRS, WEB_CRS, require_crs, to_metric, to_web
from geo.errors import CRSMismatchError

KANAZAWA_LON = st.floats(min_value=136.3, max_value=136.95)
KANAZAWA_LAT = st.floats(min_value=36.3, max_value=36.8)


def test_require_crs_names_both_crs_and_the_fix() -> None:
    frame = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=3857)
    with pytest.raises(CRSMismatchError, match=r"EPSG:3857.*EPSG:4326.*to_crs"):
        require_crs(frame, WEB_CRS)


def test_missing_crs_is_an_error_not_a_guess() -> None:
    frame = gpd.GeoDataFrame(geometry=[Point(136.6, 36.5)])
    with pytest.raises(CRSMismatchError, match="no CRS"):
        require_crs(frame, WEB_CRS)
    with pytest.raises(CRSMismatchError):
        to_metric(frame)


def test_metric_distance_of_a_known_pair() -> None:
    # 0.01° of latitude at 36.5° N is about 1,110 m
    frame = gpd.GeoSeries([Point(136.6, 36.50), Point(136.6, 36.51)], crs=WEB_CRS)
    metric = to_metric(frame)
    assert metric.crs == METRIC_CRS
    assert metric.iloc[0].distance(metric.iloc[1]) == pytest.approx(1110, rel=0.01)


@settings(max_examples=50, deadline=None)
@given(lon=KANAZAWA_LON, lat=KANAZAWA_LAT)
def test_round_trip_stays_within_a_millimetre(lon: float, lat: float) -> None:
    frame = gpd.GeoSeries([Point(lon, lat)], crs=WEB_CRS)
    back = to_web(to_metric(frame)).iloc[0]
    assert back.x == pytest.approx(lon, abs=1e-8)
    assert back.y == pytest.approx(lat, abs=1e-8)
