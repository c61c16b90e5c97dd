"""The status history against every dated report: each figure rebuilt from the layers.

The table below was typed from the sources (not from the build). The rebuilt value is
computed here from ``lot_events`` (each lot's last event on or before the date) and the
lots' own geometry; a share must agree within 3 points, a count exactly (one lot is
more than 3 points of any park with fewer than 34 lots on the market).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.crs import METRIC_CRS
from parks.facts import read_yaml

ROOT = Path(__file__).resolve().parents[2]

STRATEGY = "金沢市ものづくり戦略2015（改定版）2021-03, 2-4 (2)"
SOLDOUT = "senmonshi 02/021369JmsPB5BG8 (undated, 2022+: every city park sold out)"

# park, date, figure, reported value, scope (phase or lot list), source
REPORTED: list[tuple[str, str, str, float, object, str]] = [
    (
        "techno-park",
        "2012-06-30",
        "sold_pct",
        75.2,
        None,
        "jcp-kccd.jp/topics/page/71: 8.5 of 34.3 ha unsold (date inferred)",
    ),
    ("techno-park", "2019-01-11", "sold_pct", 79.9, None, "chunichi 2019-01-12 / ekisin: 79.9 %"),
    (
        "techno-park",
        "2019-01-11",
        "lots_left",
        5,
        None,
        "chunichi 2019-01-12 / ekisin: 5 lots left",
    ),
    ("techno-park", "2021-03-31", "sold_pct", 82.4, None, STRATEGY),
    ("techno-park", "2021-03-31", "lots_sold", 12, None, STRATEGY + ": 12 of 15 lots"),
    ("techno-park", "2021-03-31", "lots_left", 3, None, STRATEGY),
    (
        "techno-park",
        "2021-07-05",
        "sold_pct",
        82.4,
        None,
        "senmonshi 02/021036Jnq2H2U2A (date inferred)",
    ),
    (
        "techno-park",
        "2021-07-05",
        "lots_left",
        3,
        None,
        "senmonshi 02/021036Jnq2H2U2A: 3 lots in 第3工区",
    ),
    ("techno-park", "2022-12-26", "sold_pct", 100, None, SOLDOUT),
    ("inaho", "2015-12-14", "lots_left", 2, 1, "senmonshi 02/02C0EKX5WBHARQ: lots 1番 and 9-1番"),
    (
        "inaho",
        "2016-01-12",
        "sold_pct",
        99.1,
        None,
        "committee 2016-01-12 (senmonshi 02/02C1DKMh6596KH)",
    ),
    ("inaho", "2016-01-12", "lots_left", 1, None, "committee 2016-01-12"),
    (
        "inaho",
        "2018-07-09",
        "sold_pct",
        100,
        None,
        "committee 2018-07-09 (senmonshi 02/02DFBKf3CH2UR6)",
    ),
    ("inaho", "2021-03-31", "sold_pct", 100, 1, STRATEGY + ": phase 1 sold out"),
    ("inaho", "2022-12-26", "sold_pct", 100, None, SOLDOUT),
    ("katatsu", "2007-02-22", "sold_pct", 100, 1, "committee 2007-02-22: 第1工区 完売"),
    (
        "katatsu",
        "2015-12-14",
        "lots_left",
        4,
        None,
        "senmonshi 02/02C0EKX5WBHARQ: lots 12, 13, 14, 18-2",
    ),
    ("katatsu", "2016-01-12", "sold_pct", 91.2, None, "committee 2016-01-12"),
    ("katatsu", "2016-01-12", "lots_left", 1, None, "committee 2016-01-12"),
    ("katatsu", "2016-06-30", "sold_pct", 98, None, "senmonshi 02/02C6ELESPB5BG8 (date inferred)"),
    (
        "katatsu",
        "2016-06-30",
        "lots_left",
        1,
        None,
        "senmonshi 02/02C6ELESPB5BG8: 1,002.15 m² left",
    ),
    (
        "katatsu",
        "2016-12-16",
        "sold_pct",
        97.8,
        None,
        "committee 2016-12-16 (senmonshi 02/02CCJQ2DVARZHV)",
    ),
    ("katatsu", "2016-12-16", "lots_left", 1, None, "committee 2016-12-16"),
    ("katatsu", "2018-07-09", "sold_pct", 100, None, "committee 2018-07-09"),
    (
        "morimoto-ic",
        "2015-09-30",
        "sold_pct",
        66,
        None,
        "senmonshi 02/02BDTP@NLVOA3M: about 66 % (date inferred)",
    ),
    (
        "morimoto-ic",
        "2015-09-30",
        "lots_sold",
        10,
        None,
        "senmonshi 02/02BDTP@NLVOA3M: 5 firms, 10 lots",
    ),
    ("morimoto-ic", "2015-12-14", "lots_sold", 10, None, "senmonshi 02/02C0EKX5WBHARQ"),
    ("morimoto-ic", "2016-01-12", "sold_pct", 76.4, None, "committee 2016-01-12"),
    ("morimoto-ic", "2016-01-12", "lots_left", 6, None, "committee 2016-01-12"),
    ("morimoto-ic", "2016-12-16", "sold_pct", 90.9, None, "committee 2016-12-16"),
    (
        "morimoto-ic",
        "2016-12-16",
        "lots_sold",
        16,
        None,
        "committee 2016-12-16: 16 lots, about 7.8 ha",
    ),
    ("morimoto-ic", "2018-03-31", "sold_pct", 100, None, STRATEGY + ": sold out FY2017"),
    ("morimoto-ic", "2018-07-09", "sold_pct", 100, None, "committee 2018-07-09"),
    (
        "yasuhara",
        "1981-12-31",
        "lots_sold",
        147,
        None,
        "yasuhara-net.com history: 147 firms in 1981 (day inferred)",
    ),
    ("yasuhara", "2018-07-09", "sold_pct", 100, None, "committee 2018-07-09: 29.0 ha sold out"),
    ("yasuhara", "2021-03-31", "lots_sold", 332, [1, 2, 3, 4], STRATEGY + ": 332 lots all sold"),
    (
        "yasuhara",
        "2023-12-13",
        "lots_sold",
        9,
        ["5B-1", "5A-1", "5A-2", "5A-3", "5A-4", "5A-5", "5A-6", "5A-7", "5A-8"],
        "council 2023-12-13: 9 firms in the 5th phase's first stage",
    ),
    ("yasuhara", "2022-12-26", "sold_pct", 100, None, SOLDOUT),
]

ON_MARKET = {"available", "negotiating", "reserved", "sold"}


def status_on(events: pd.DataFrame, day: str) -> pd.Series:
    """Each lot's last status on or before ``day`` (later rows win on the same date)."""
    known = events[events["date"].astype(str) <= day].reset_index(drop=True)
    ordered = known.assign(row=range(len(known))).sort_values(["date", "row"], kind="stable")
    return ordered.groupby("lot_id")["status"].last()


def rebuilt(layers, park_id: str, day: str, scope: object) -> dict[str, float]:
    lots = layers.lots_of(park_id).to_crs(METRIC_CRS)
    if isinstance(scope, int):
        lots = lots[lots["phase"] == scope]
    elif isinstance(scope, list) and scope and isinstance(scope[0], int):
        lots = lots[lots["phase"].isin(scope)]
    elif isinstance(scope, list):
        lots = lots[lots["lot_no"].isin(scope)]
    status = lots["lot_id"].map(status_on(layers.lot_events, day))
    market = status.isin(ON_MARKET)
    sold = status == "sold"
    area = lots.geometry.area
    return {
        "sold_pct": 100 * area[sold].sum() / area[market].sum(),
        "lots_sold": float(sold.sum()),
        "lots_left": float(market.sum() - sold.sum()),
    }


@pytest.mark.parametrize(
    ("park_id", "day", "figure", "reported", "scope", "source"),
    REPORTED,
    ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in REPORTED],
)
def test_every_reported_figure_is_rebuilt_on_its_date(
    layers, park_id: str, day: str, figure: str, reported: float, scope: object, source: str
) -> None:
    got = rebuilt(layers, park_id, day, scope)[figure]
    if figure == "sold_pct":
        assert got == pytest.approx(reported, abs=3.0), source
    else:
        assert got == reported, source


def test_the_table_covers_every_report_the_dataset_carries() -> None:
    facts = read_yaml(ROOT / "data" / "facts" / "parks.yaml")
    carried = {
        (park_id, str(r["date"]), key)
        for park_id, reports in facts["dated_reports"].items()
        for r in reports
        for key in ("sold_pct", "lots_sold", "lots_left")
        if r.get(key) is not None
    }
    typed = {(r[0], r[1], r[2]) for r in REPORTED}
    assert carried == typed


def test_the_state_before_the_first_report_is_derived_and_flagged(layers) -> None:
    events = layers.lot_events
    # Morimoto IC: on sale from January 2014; the first report (~2015-09) has 10 lots sold
    early = events[
        events["lot_id"].str.startswith("morimoto-ic/")
        & (events["status"] == "sold")
        & (events["date"] < "2015-09-30")
    ]
    assert len(early) >= 8
    assert early["is_inferred"].astype(bool).all()
    assert early["note"].str.contains("spread between").all()
    assert (early["date"] >= "2014-01-01").all()


def test_sales_are_dated_on_the_committee_or_contract_date(layers) -> None:
    events = layers.lot_events.set_index(["lot_id", "status"])["date"]
    # 疋田産業's contract was reported to the committee of 2016-01-12
    assert events[("morimoto-ic/9", "sold")] == "2016-01-12"
    # 東邦HD and キングラン中部 signed at the end of November 2016 (reported 2016-12-16)
    for lot in ("52", "53", "54", "11"):
        assert events[(f"morimoto-ic/{lot}", "sold")] == "2016-11-30"


def test_yasuhara_opened_in_1976_and_its_first_stages_sold_long_before_2015(layers) -> None:
    park = layers.park("yasuhara")
    assert park["opened"] == "1976-04-01"
    stage_1 = rebuilt(layers, "yasuhara", "1982-01-01", 1)
    assert stage_1["lots_sold"] == 147
    assert rebuilt(layers, "yasuhara", "2000-01-01", [1, 2, 3])["sold_pct"] == 100


def test_every_event_has_a_date_a_status_and_a_source(layers) -> None:
    events = layers.lot_events
    assert events["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert events["source"].fillna("").str.strip().ne("").all()
    inferred = events[events["is_inferred"].astype(bool)]
    assert inferred["note"].fillna("").str.strip().ne("").all()
