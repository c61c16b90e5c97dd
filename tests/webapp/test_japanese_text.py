"""Japanese pages, API messages, the pitch sheet and the CLI's ``--lang ja`` show no English.

Every page is rendered for a browser that asks for Japanese, its visible text extracted, and
every Latin-script word outside :data:`ALLOWED` fails the test. What is not language is left
out before the check, each for a stated reason:

- URLs and host names (``www4.city.kanazawa.lg.jp``): addresses, not words;
- tokens with a digit (lot numbers ``P2-1``, ``5A-4``; ``m²``): identifiers and units;
- single letters (``B地区``, ``m``): block names and unit symbols;
- elements marked ``translate="no"``: names quoted as published (occupant firms such as
  ``エル・シー (L.C.)``), URLs and licence credit lines that must stay verbatim.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

ALLOWED: dict[str, str] = {
    "IC": "インターチェンジ: written IC in Japanese too (金沢森本IC)",
    "km": "unit",
    "CSV": "file format of the downloads",
    "GeoJSON": "file format of the downloads",
    "GeoPackage": "file format of the downloads",
    "PDF": "file format",
    "JSON": "format named in an API message about the request body",
    "English": "the language switch names the other language in that language",
    "OpenMapTiles": "ODbL/CC-BY credit that must be shown verbatim",
    "OpenStreetMap": "ODbL credit that must be shown verbatim",
    "contributors": "part of the verbatim OpenStreetMap credit",
    "CC": "licence name (Creative Commons)",
    "BY": "licence name (CC BY)",
    "BY-SA": "licence name (CC BY-SA)",
    "SA": "licence name (CC BY-SA)",
    "ODbL": "licence name (Open Database License)",
    "Geolonia": "proper noun: the address data's publisher",
    "LOD": "proper noun: 鉄道駅LOD, the rail data set",
    "JAXA": "proper noun: the space agency publishing the land-cover map",
    "e-Stat": "proper noun: the government statistics portal",
    "Stat": "part of e-Stat when split at the hyphen",
}
"""Latin-script words a Japanese page may show, each with the reason."""

HOST = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+\.(?:jp|com|org|net)\b\S*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
WITH_DIGIT = re.compile(r"\S*\d\S*")


class VisibleText(HTMLParser):
    """Collect the text a reader sees: no script, style, or ``translate="no"`` parts."""

    VOID = frozenset(
        {"br", "img", "input", "meta", "link", "hr", "line", "polyline", "source", "col"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.hidden = 0
        self.parts: list[str] = []
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        hide = tag in ("script", "style") or a.get("translate") == "no"
        if tag == "script" and a.get("type") == "application/json":
            self._json_id = a.get("id") or ""
        self.stack.append((tag, hide))
        self.hidden += hide

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, hide = self.stack.pop()
            self.hidden -= hide
            if name == tag:
                break
        if tag == "script":
            self._json_id = None

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json_blocks[self._json_id] = self.json_blocks.get(self._json_id, "") + data
        elif not self.hidden:
            self.parts.append(data)


PLACEHOLDER = re.compile(r"%\(\w+\)s")


def latin_words(text: str) -> set[str]:
    """Return the Latin-script words of ``text`` that are not allowed."""
    text = PLACEHOLDER.sub(" ", text)  # %(name)s in texts a script fills in
    text = HOST.sub(" ", text)
    text = WITH_DIGIT.sub(" ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def strings_in(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def page_problems(html: str) -> set[str]:
    """Latin words of a page's visible text and of the texts its scripts will show."""
    parser = VisibleText()
    parser.feed(html)
    found = latin_words(" ".join(parser.parts))
    for block in ("search-config", "map-texts"):
        if block in parser.json_blocks:
            data = json.loads(parser.json_blocks[block])
            texts = data.get("t", data) if block == "search-config" else data
            for key in ("urls", "lot_page", "attribution"):
                if isinstance(texts, dict):
                    texts = {k: v for k, v in texts.items() if k != key}
            found |= latin_words(" ".join(strings_in(texts)))
    return found


JA = {"Accept-Language": "ja,en;q=0.5"}

PAGES = (
    "/",
    "/search",
    "/lots/inaho/P2-1",
    "/lots/inaho/P2-1?as_of=2021-04-01",
    "/lots/yasuhara/5A-4?as_of=2021-04-01",
    "/lots/techno-park/13?as_of=2020-01-01",
    "/lots/katatsu/18-2",
    "/parks/techno-park",
    "/parks/inaho",
    "/parks/katatsu",
    "/parks/morimoto-ic",
    "/parks/yasuhara",
    "/compare?lots=inaho/P2-1,yasuhara/5A-4,techno-park/13,katatsu/3&as_of=2021-04-01",
    "/shortlist",
    "/shortlist?lots=inaho/P2-1,katatsu/3",
    "/sources",
    "/pitch?lot=inaho/P2-1&as_of=2021-04-01",
    "/pitch?lot=inaho/1",
    "/lots/atlantis/1",
    "/search?as_of=2021-13-01",
    "/no-such-page",
)
"""Every public page (and the error pages a user meets), as a Japanese browser asks for it."""

FIRM = {
    "industry": "manufacturing",
    "project": "new_site",
    "origin": "outside_prefecture",
    "land_m2_min": "3000",
    "land_m2_max": "9000",
    "investment_land": "200000000",
    "investment_building": "600000000",
    "investment_equipment": "300000000",
    "new_hires": "40",
    "new_hires_residents": "30",
    "new_hires_from_outside_prefecture": "8",
    "max_minutes_interchange": "10",
    "needs_groundwater": "on",
}


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


@pytest.mark.parametrize("url", PAGES)
def test_japanese_page_has_no_english(client, url: str) -> None:
    client.delete_cookie("lang")
    response = client.get(url, headers=JA)
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert page_problems(html) == set()


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/pitch", {"lot": "inaho/P2-1", "as_of": "2021-04-01", **FIRM}),
        ("/pitch", {"lot": "katatsu/3", **FIRM}),
        ("/lots/inaho/P2-1", {"as_of": "2021-04-01", **FIRM}),
        ("/lots/inaho/P2-1", {**FIRM, "industry": "", "land_m2_max": "100", "new_hires": "x"}),
        ("/pitch", {"lot": "inaho/P2-1", **FIRM, "land_m2_max": "100"}),
    ],
)
def test_japanese_posted_pages_have_no_english(client, url: str, form: dict) -> None:
    client.delete_cookie("lang")
    response = client.post(url, data=form, headers=JA)
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert page_problems(html) == set()


def api_profile(**change: object) -> dict:
    profile = {
        "industry": "logistics_wholesale",
        "project": "new_site",
        "origin": "inside_city",
        "land_m2": {"min": 3000, "max": 6000},
        "investment_jpy": {"land": 60_000_000, "building": 120_000_000},
        "new_hires": 6,
        "new_hires_residents": 4,
        "max_drive_minutes": {"interchange": 8},
        "max_land_price_per_m2": 30000,
        "operational_by": "2021-09-01",
    }
    profile.update(change)
    return profile


@pytest.mark.parametrize(
    ("as_of", "change"),
    [
        ("2021-04-01", {"max_drive_minutes": {"interchange": 8, "port": 15}}),
        ("2021-04-01", {"land_m2": {"min": 15000}, "operational_by": "2021-06-30"}),
        ("2026-11-28", {"operational_by": None}),
    ],
)
def test_match_api_explains_in_japanese(client, as_of: str, change: dict) -> None:
    profile = {k: v for k, v in api_profile(**change).items() if v is not None}
    response = client.post(
        "/api/match", json={"profile": profile, "as_of": as_of, "lang": "ja"}, headers=JA
    )
    assert response.status_code == 200
    body = response.get_json()
    texts = list(body["notes"])
    for group in ("matches", "near_misses", "planned"):
        for m in body[group]:
            texts += [c["detail"] for c in m["checks"]]
    assert len(texts) > 10
    assert latin_words(" ".join(texts)) == set()


def test_api_problems_in_japanese(client) -> None:
    bad = api_profile(industry="steel", land_m2={"min": 20000, "max": 10000}, new_hires=-1)
    del bad["project"]
    bad["operational_by"] = "next year"
    response = client.post("/api/match", json=bad, headers=JA)
    assert response.status_code == 400
    body = response.get_json()
    assert len(body["problems"]) == 6
    assert latin_words(" ".join(body["problems"])) == set()


def test_cli_match_in_japanese(real_app) -> None:  # noqa: ARG001 - needs the built data
    from cli.main import siting
    from tests.conftest import DATA_DIR, ROOT

    scenario = ROOT / "tests" / "data" / "scenarios" / "small-logistics-depot.json"
    runner = CliRunner()
    for as_of in ("2021-04-01", "2026-11-28"):
        result = runner.invoke(
            siting,
            [
                "match",
                str(scenario),
                "--lang",
                "ja",
                "--as-of",
                as_of,
                "--data",
                str(DATA_DIR),
                "--no-log",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "区画" in result.output
        assert latin_words(result.output) == set()


def test_the_check_finds_english() -> None:
    # the test must be able to fail: an English sentence, a raw id and an API word are caught
    html = '<html lang="ja"><body><p>区画 no lot meets every constraint</p><p>ic-hakusan</p></body></html>'
    assert {"no", "lot", "meets", "every", "constraint", "ic-hakusan"} <= page_problems(html)
    assert (
        page_problems('<p translate="no">L.C.</p><p>金沢森本IC まで 2.1 km, 区画 P2-1</p>') == set()
    )
