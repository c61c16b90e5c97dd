"""Rebuilding lot status on a date from the status history."""

from __future__ import annotations

import pandas as pd
import pytest

from parks.errors import InvalidInputError
from parks.lots import parse_date, status_as_of, statuses_on

EVENTS = pd.DataFrame(
    [
        ("p/1", "2014-01-01", "available"),
        ("p/1", "2015-06-01", "negotiating"),
        ("p/1", "2016-01-01", "sold"),
        ("p/2", "2015-01-01", "planned"),
        ("p/2", "2016-04-01", "available"),
    ],
    columns=["lot_id", "date", "status"],
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2013-12-31", {}),
        ("2014-01-01", {"p/1": "available"}),
        ("2015-06-01", {"p/1": "negotiating", "p/2": "planned"}),
        ("2016-03-31", {"p/1": "sold", "p/2": "planned"}),
        ("2030-01-01", {"p/1": "sold", "p/2": "available"}),
    ],
)
def test_status_on_a_date_is_the_last_event_up_to_that_day(day: str, expected: dict) -> None:
    assert statuses_on(EVENTS, day).to_dict() == expected


def test_same_day_events_keep_table_order() -> None:
    events = pd.DataFrame(
        [("p/1", "2020-01-01", "available"), ("p/1", "2020-01-01", "sold")],
        columns=["lot_id", "date", "status"],
    )
    assert statuses_on(events, "2020-01-01")["p/1"] == "sold"


@pytest.mark.parametrize("bad", ["2021-13-01", "yesterday", ""])
def test_bad_dates_are_rejected_with_the_value(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="not an ISO date"):
        parse_date(bad)


def test_every_lot_is_sold_today(layers) -> None:
    lots = status_as_of(layers, "2026-11-28")
    assert (lots["status"] == "sold").all()


def test_techno_park_has_the_three_published_lots_left_in_april_2021(layers) -> None:
    lots = status_as_of(layers, "2021-04-01")
    left = lots[(lots["park_id"] == "techno-park") & (lots["status"] == "available")]
    # strategy 2021-03: 12 of 15 sold; 3 left of about 3.3, 2.5 and 0.2 ha
    assert len(left) == 3
    assert sorted(left["published_area_m2"]) == [2_000, 25_000, 33_000]


def test_new_phases_open_in_fy2021(layers) -> None:
    lots = status_as_of(layers, "2021-04-01")
    inaho2 = lots[(lots["park_id"] == "inaho") & (lots["phase"] == 2)]
    assert len(inaho2) > 0
    assert (inaho2["status"] == "available").all()
    before = status_as_of(layers, "2020-04-01").set_index("lot_id")
    assert before.loc["inaho/P2-1", "status"] == "planned"


def test_yasuhara_b_district_was_reserved_before_it_went_on_sale(layers) -> None:
    # buyers chosen in February 2020 (02F1NJhUI0L0RN); B地区 sold from March 2021
    def on(day: str) -> str:
        return str(status_as_of(layers, day).set_index("lot_id").loc["yasuhara/5B-1", "status"])

    assert on("2020-04-01") == "reserved"
    assert on("2021-04-01") == "sold"


def test_katatsu_dec_2015_shows_the_four_lots_in_negotiation(layers) -> None:
    lots = status_as_of(layers, "2015-12-14")
    katatsu = lots[lots["park_id"] == "katatsu"].set_index("lot_no")
    # lot 18-2 is drawn as 18-2a until it was divided in March 2016
    assert set(katatsu.index[katatsu["status"] == "negotiating"]) == {"12", "13", "14", "18-2a"}
    assert (katatsu["status"] == "sold").sum() == 15


def test_morimoto_ic_counts_follow_the_sales_reports(layers) -> None:
    def sold_on(day: str) -> int:
        lots = status_as_of(layers, day)
        return int(((lots["park_id"] == "morimoto-ic") & (lots["status"] == "sold")).sum())

    # 2015-12-14: 10 lots sold; 2016-12-17: 16 lots sold; FY2017: sold out
    assert sold_on("2015-12-14") == 10
    assert sold_on("2016-12-17") == 16
    assert sold_on("2018-04-01") == 18


def test_lots_with_no_event_yet_have_no_status(layers) -> None:
    # Yasuhara, the oldest park, went on sale in 1976
    lots = status_as_of(layers, "1975-01-01")
    assert lots["status"].isna().all()
    assert not lots["status_known"].any()


def _park_of_three() -> object:
    """A park of three lots (100, 300 and 600 m²): two open in 2014, the third in 2016."""
    from types import SimpleNamespace

    lots = pd.DataFrame(
        {"lot_id": ["p/1", "p/2", "p/3"], "park_id": "p", "area_m2": [100.0, 300.0, 600.0]}
    )
    events = pd.DataFrame(
        [
            ("p/1", "2014-01-01", "available"),
            ("p/2", "2014-01-01", "available"),
            ("p/3", "2014-01-01", "planned"),
            ("p/2", "2015-06-01", "sold"),
            ("p/3", "2016-01-01", "available"),
            ("p/1", "2017-03-01", "negotiating"),
            ("p/1", "2018-01-01", "sold"),
        ],
        columns=["lot_id", "date", "status"],
    )
    return SimpleNamespace(lots=lots, lot_events=events, lots_of=lambda _p: lots)


def test_sold_share_counts_only_lots_on_the_market() -> None:
    from parks.lots import sold_share_history

    history = sold_share_history(_park_of_three(), "p")
    # by hand: 2015-06 300 of 400 m² on the market; 2016 the 600 m² lot opens: 300 of 1,000;
    # 2017 lot 1 is in talks (still on the market); 2018 lots 1 and 2 sold: 400 of 1,000
    assert history["date"].tolist() == [
        "2014-01-01",
        "2015-06-01",
        "2016-01-01",
        "2017-03-01",
        "2018-01-01",
    ]
    assert history["sold_share"].round(4).tolist() == [0.0, 0.75, 0.3, 0.3, 0.4]
    assert history["lots"].tolist() == [2, 2, 3, 3, 3]
    assert history["available_lots"].tolist() == [2, 1, 2, 1, 1]


def test_lot_history_is_in_date_order() -> None:
    from types import SimpleNamespace

    from parks.lots import lot_history

    fake = _park_of_three()
    layers = SimpleNamespace(
        lot_events=fake.lot_events.iloc[::-1],
        lot=lambda lot_id: fake.lots.set_index("lot_id").loc[lot_id],
    )
    assert lot_history(layers, "p/1")["status"].tolist() == ["available", "negotiating", "sold"]
