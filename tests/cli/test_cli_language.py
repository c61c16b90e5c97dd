"""CLI text output in the language asked for: no English words in Japanese output, no Japanese
in English output (outside terms quoted as published), and no internal ids in either."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import siting
from parks.data import PARK_IDS
from tests.language import english_output_problems, latin_words, text_internal_ids

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
SCENARIOS = ROOT / "tests" / "data" / "scenarios"
AREA = {
    "type": "Polygon",
    "coordinates": [
        [[136.64, 36.6], [136.65, 36.6], [136.65, 36.607], [136.64, 36.607], [136.64, 36.6]]
    ],
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli-language")
    paths = {}
    for name in ("precision-parts-maker", "small-logistics-depot"):
        raw = json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(raw["profile"]), encoding="utf-8")
    paths["area"] = folder / "area.geojson"
    paths["area"].write_text(json.dumps(AREA), encoding="utf-8")
    paths["log"] = folder / "demand.jsonl"
    return paths


COMMANDS = {
    "grants-lot": (
        "grants",
        "{precision-parts-maker}",
        "--lot",
        "inaho/P2-1",
        "--as-of",
        "2021-04-01",
    ),
    "grants-park": ("grants", "{precision-parts-maker}", "--park", "techno-park"),
    "grants-point": ("grants", "{precision-parts-maker}", "--at", "136.6485,36.5780"),
    "match": ("match", "{small-logistics-depot}", "--as-of", "2021-04-01", "--log", "{log}"),
    "assess": ("assess", "{area}"),
    "vacancy": ("vacancy", "--as-of", "2021-04-01", "--demand-log", "{log}"),
}
"""Every command with a --lang option, on inputs that make it say much."""


def _run(command: str, inputs: dict[str, Path], lang: str) -> str:
    args = [a.format(**{k: str(v) for k, v in inputs.items()}) for a in COMMANDS[command]]
    result = CliRunner().invoke(siting, [*args, "--data", str(DATA_DIR), "--lang", lang])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_japanese_output_has_no_english_and_no_ids(inputs, command: str) -> None:
    out = _run(command, inputs, "ja")
    assert latin_words(out) == set(), command
    assert text_internal_ids(out, PARK_IDS) == set(), command


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "assess"])  # slow; msgids
def test_english_output_has_no_japanese_and_no_ids(inputs, command: str) -> None:
    out = _run(command, inputs, "en")
    assert english_output_problems(out) == set(), command
    assert text_internal_ids(out, PARK_IDS) == set(), command
