"""Weights: given directly or by AHP, with inconsistent comparisons refused."""

from __future__ import annotations

import pytest

from parks.planning.errors import WeightsError
from parks.planning.weights import (
    ahp_weights,
    default_weights,
    weights_from_document,
    weights_from_mapping,
)


def test_consistent_comparisons_give_the_hand_worked_weights() -> None:
    # a = 2b, b = 2c, a = 4c: weights 4/7, 2/7, 1/7 and a perfectly consistent matrix
    w = ahp_weights(
        {
            "interchange_minutes": {"landcover": 2, "park_distance": 4},
            "landcover": {"park_distance": 2},
        }
    )
    assert w.weights["interchange_minutes"] == pytest.approx(4 / 7)
    assert w.weights["landcover"] == pytest.approx(2 / 7)
    assert w.weights["park_distance"] == pytest.approx(1 / 7)
    assert w.weights["slope"] == 0
    assert w.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert w.method == "ahp"


def test_inconsistent_comparisons_are_refused_with_the_ratio() -> None:
    with pytest.raises(WeightsError) as err:
        ahp_weights(
            {
                "interchange_minutes": {"landcover": 9},
                "landcover": {"park_distance": 9},
                "park_distance": {"interchange_minutes": 9},
            }
        )
    assert "consistency ratio" in err.value.problems[0]
    assert "0.1" in err.value.problems[0]


def test_a_mildly_inconsistent_matrix_passes_with_its_ratio() -> None:
    w = ahp_weights(
        {"interchange_minutes": {"landcover": 3, "slope": 5}, "landcover": {"slope": 2}}
    )
    assert 0 < w.consistency_ratio <= 0.1
    assert w.weights["interchange_minutes"] > w.weights["landcover"] > w.weights["slope"]


@pytest.mark.parametrize(
    ("pairwise", "expected"),
    [
        ({"interchange_minutes": {"landcover": 2}, "landcover": {"slope": 2}}, "no comparison"),
        ({"interchange_minutes": {"landcover": 12}}, "from 1/9 to 9"),
        ({"interchange_minutes": {"nonsense": 2}}, "unknown criterion"),
        (
            {"interchange_minutes": {"landcover": 2}, "landcover": {"interchange_minutes": 2}},
            "compared twice",
        ),
    ],
)
def test_bad_comparisons_are_refused(pairwise, expected) -> None:
    with pytest.raises(WeightsError) as err:
        ahp_weights(pairwise)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_given_weights_are_normalised_and_rescaled_over_available_criteria() -> None:
    w = weights_from_mapping({"interchange_minutes": 3, "slope": 1})
    assert w.weights["interchange_minutes"] == pytest.approx(0.75)
    assert w.used({"interchange_minutes", "landcover"}) == {
        "interchange_minutes": 1.0,
        "landcover": 0.0,
    }
    with pytest.raises(WeightsError):
        weights_from_mapping({"slope": -1})
    with pytest.raises(WeightsError):
        weights_from_mapping({"slope": 0})


def test_documents_name_one_method() -> None:
    assert weights_from_document({"weights": {"slope": 1}}).method == "given"
    with pytest.raises(WeightsError):
        weights_from_document({"weights": {"slope": 1}, "pairwise": {}})
    d = default_weights()
    assert sum(d.weights.values()) == pytest.approx(1.0)
    assert d.scaled("slope", 1.2).weights["slope"] > d.weights["slope"]
