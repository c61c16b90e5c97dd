"""Query-string validators: good values parse, every bad value is reported."""

from __future__ import annotations

import datetime as dt

import pytest

from parks.errors import InvalidInputError
from webapp.requests import (
    parse_lot_query,
    parse_lots_query,
    parse_map_query,
    validate_date,
    validate_lang,
    validate_park,
    validate_statuses,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "ja"), ("", "ja"), ("ja", "ja"), ("en", "en")],
)
def test_validate_lang(value: str | None, expected: str) -> None:
    assert validate_lang(value, default="ja") == expected


def test_validate_lang_rejects_unknown() -> None:
    with pytest.raises(InvalidInputError, match="lang must be one of ja, en; got 'fr'"):
        validate_lang("fr", default="ja")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("2024-02-29", dt.date(2024, 2, 29))],
)
def test_validate_date(value: str | None, expected: dt.date | None) -> None:
    assert validate_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-02-29", "not a calendar date"),
        ("20240101", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
        ("2024-1-1", "YYYY-MM-DD"),
    ],
)
def test_validate_date_rejects(value: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        validate_date(value)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], ()),
        (["available"], ("available",)),
        (["available,sold"], ("available", "sold")),
        (["sold", "available", "sold"], ("sold", "available")),
        ([" planned , "], ("planned",)),
    ],
)
def test_validate_statuses(values: list[str], expected: tuple[str, ...]) -> None:
    assert validate_statuses(values) == expected


def test_validate_statuses_lists_every_unknown_status() -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_statuses(["available,bogus", "free"])
    assert len(info.value.problems) == 2
    assert "'bogus'" in info.value.problems[0]
    assert "'free'" in info.value.problems[1]


def test_validate_park() -> None:
    assert validate_park("inaho", {"inaho", "katatsu"}) == "inaho"
    assert validate_park(None, {"inaho"}) is None
    with pytest.raises(InvalidInputError, match="park must be one of inaho, katatsu; got 'x'"):
        validate_park("x", {"katatsu", "inaho"})


def test_parse_map_query_reports_every_problem() -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_map_query({"lang": "fr", "as_of": "soon", "zoom": "3"}, default_lang="ja")
    problems = info.value.problems
    assert len(problems) == 3
    assert any("zoom" in p for p in problems)
    assert any("lang" in p for p in problems)
    assert any("as_of" in p for p in problems)


def test_parse_lots_query() -> None:
    query = parse_lots_query(
        {"status": "available", "as_of": "2021-01-01", "park": "inaho"},
        ["available", "negotiating"],
        park_ids={"inaho"},
    )
    assert query.statuses == ("available", "negotiating")
    assert query.as_of == dt.date(2021, 1, 1)
    assert query.park_id == "inaho"


def test_parse_lot_query_takes_only_as_of() -> None:
    assert parse_lot_query({"as_of": "2021-01-01"}) == dt.date(2021, 1, 1)
    with pytest.raises(InvalidInputError, match="unknown parameter 'status'"):
        parse_lot_query({"status": "sold"})
