"""Find English on Japanese pages and Japanese on English pages (used by the language tests).

A Japanese page (or API message, or CLI output) fails when it shows a Latin-script word
outside :data:`ALLOWED`. What is not language is left out before the check, each for a
stated reason:

- URLs and host names (``www4.city.kanazawa.lg.jp``): addresses, not words;
- ASCII tokens with a digit (lot numbers ``P2-1``, ``5A-4``, ``EPSG:4326``, ``N06-23``):
  identifiers and codes;
- single letters (``B地区``, ``m``): block names and unit symbols;
- placeholders a script fills in (``%(date)s``, ``{date}``);
- elements marked ``translate="no"``: names quoted as published (occupant firms such as
  ``エル・シー (L.C.)``, what a user typed), URLs and licence credit lines that stay verbatim;
- ``<code>``, ``<kbd>`` and ``<samp>`` elements: commands, parameter names and JSON that a
  reader types or reads back verbatim.

An English page fails when it shows Japanese text outside an element marked ``lang="ja"``
(a Japanese address or name quoted as published, which the page must mark so that screen
readers read it as Japanese) or ``translate="no"``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

ALLOWED: dict[str, str] = {
    "IC": "インターチェンジ: written IC in Japanese too (金沢森本IC)",
    "JCT": "ジャンクション: written JCT in Japanese too",
    "km": "unit",
    "ha": "unit (hectare), written ha in Japanese too",
    "MB": "unit (megabyte)",
    "KiB": "unit (kibibyte)",
    "CSV": "file format",
    "GeoJSON": "file format",
    "GeoPackage": "file format",
    "Shapefile": "file format (the Esri format's name)",
    "ZIP": "file format",
    "PDF": "file format",
    "JSON": "file format",
    "YAML": "file format",
    "WKT": "file format (well-known text geometry)",
    "PNG": "file format",
    "HTML": "file format",
    "API": "written API in Japanese too",
    "ID": "written ID in Japanese too (区画ID)",
    "IP": "written IP in Japanese too (IPアドレス)",
    "OpenAPI": "proper noun: the API description standard",
    "CR": "consistency ratio of AHP comparisons, written CR in Japanese planning texts too",
    "AHP": "the analytic hierarchy process, written AHP in Japanese planning texts too",
    "DEM": "数値標高モデル: written DEM in Japanese GIS texts too",
    "English": "the language switch names the other language in that language",
    "OpenMapTiles": "ODbL/CC-BY credit that must be shown verbatim",
    "OpenStreetMap": "ODbL credit that must be shown verbatim",
    "OSM": "OpenStreetMap's usual short name",
    "contributors": "part of the verbatim OpenStreetMap credit",
    "CC": "licence name (Creative Commons)",
    "BY": "licence name (CC BY)",
    "BY-SA": "licence name (CC BY-SA)",
    "SA": "licence name (CC BY-SA)",
    "ODbL": "licence name (Open Database License)",
    "MIT": "licence name (the MIT License)",
    "Geolonia": "proper noun: the address data's publisher",
    "LOD": "proper noun: 鉄道駅LOD, the rail data set",
    "JAXA": "proper noun: the space agency publishing the land-cover map",
    "e-Stat": "proper noun: the government statistics portal",
    "Stat": "part of e-Stat when split at the hyphen",
    "EPSG": "coordinate system registry, cited as EPSG:6675",
}
"""Latin-script words a Japanese page may show, each with the reason."""

HOST = re.compile(r"https?://[!-~]+|\b[\w-]+(?:\.[\w-]+)*\.(?:jp|com|org|net|io)\b[!-~]*")
WORD = re.compile(r"[A-Za-z][A-Za-z_'’-]*[A-Za-z]")
WITH_DIGIT = re.compile(r"[A-Za-z0-9_.:/+#-]*[0-9][A-Za-z0-9_.:/+#-]*")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e\uff66-\uff9f]+")

CODE_TAGS = frozenset({"code", "kbd", "samp"})
VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "line",
        "link",
        "meta",
        "path",
        "polyline",
        "rect",
        "circle",
        "source",
        "track",
        "wbr",
    }
)
TEXT_ATTRIBUTES = (
    "aria-label",
    "title",
    "placeholder",
    "alt",
    "data-add",
    "data-remove",
    "data-label",
)
"""Attributes whose value a user reads or hears (tooltips, screen readers, labels a script
swaps in)."""

JSON_TEXT_KEYS = frozenset({"t", "draw", "label", "title", "credits", "text", "message"})
"""Keys of ``<script type="application/json">`` blocks whose strings a script shows."""


class VisibleText(HTMLParser):
    """Collect what a reader sees or hears, by the language it is marked with.

    ``parts`` is the text outside script and style; ``foreign`` holds the pieces inside
    ``translate="no"``, ``lang="ja"`` or code elements, which the checks leave out.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, hidden, no-translate, ja
        self.parts_ja: list[str] = []
        """Text to check as Japanese (outside script/style/translate=no/code)."""
        self.parts_en: list[str] = []
        """Text to check as English (also outside lang="ja")."""
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None

    def _state(self) -> tuple[bool, bool, bool]:
        hidden = any(h for _, h, _, _ in self.stack)
        keep = any(k for _, _, k, _ in self.stack)
        ja = any(j for _, _, _, j in self.stack)
        return hidden, keep, ja

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        hidden, keep, ja = self._state()
        here_keep = a.get("translate") == "no" or tag in CODE_TAGS
        here_ja = a.get("lang", "").startswith("ja")
        if not hidden:
            for name in TEXT_ATTRIBUTES:
                if a.get(name):
                    self._add(a[name], keep or here_keep, ja or here_ja)
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self._add(a["value"], keep or here_keep, ja or here_ja)
        if tag in VOID_TAGS:
            return
        if tag == "script" and a.get("type") == "application/json":
            self._json_id = a.get("id") or ""
        self.stack.append((tag, tag in ("script", "style", "template"), here_keep, here_ja))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in {name for name, *_ in self.stack}:
            return
        while self.stack:
            name, *_ = self.stack.pop()
            if name == tag:
                break
        if tag == "script":
            self._json_id = None

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json_blocks[self._json_id] = self.json_blocks.get(self._json_id, "") + data
            return
        hidden, keep, ja = self._state()
        if not hidden:
            self._add(data, keep, ja)

    def _add(self, text: str, keep: bool, ja: bool) -> None:
        if not keep:
            self.parts_ja.append(text)
            if not ja:
                self.parts_en.append(text)


def latin_words(text: str) -> set[str]:
    """Return the Latin-script words of ``text`` that are not allowed."""
    text = PLACEHOLDER.sub(" ", text)
    text = HOST.sub(" ", text)
    text = WITH_DIGIT.sub(" ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def japanese_words(text: str) -> set[str]:
    """Return the runs of Japanese script in ``text`` (for English pages and output)."""
    return set(JAPANESE.findall(text))


def json_texts(value: object, *, shown: bool = False) -> list[str]:
    """Every string a script shows from a JSON block (under :data:`JSON_TEXT_KEYS`)."""
    if isinstance(value, str):
        return [value] if shown else []
    if isinstance(value, dict):
        return [
            s for k, v in value.items() for s in json_texts(v, shown=shown or (k in JSON_TEXT_KEYS))
        ]
    if isinstance(value, list):
        return [s for v in value for s in json_texts(v, shown=shown)]
    return []


def strings_in(value: object) -> list[str]:
    """Every string inside a JSON value."""
    return json_texts(value, shown=True)


def parse(html: str) -> VisibleText:
    """Parse a page."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def _json_block_texts(parser: VisibleText) -> list[str]:
    texts: list[str] = []
    for text in parser.json_blocks.values():
        texts += json_texts(json.loads(text))
    return texts


def page_problems(html: str) -> set[str]:
    """Latin words of a Japanese page's visible text and of the texts its scripts will show."""
    parser = parse(html)
    return latin_words(" ".join(parser.parts_ja)) | latin_words(" ".join(_json_block_texts(parser)))


def english_page_problems(html: str) -> set[str]:
    """Japanese runs of an English page's text outside elements marked ``lang="ja"``."""
    parser = parse(html)
    return japanese_words(" ".join(parser.parts_en)) | japanese_words(
        " ".join(_json_block_texts(parser))
    )


SNAKE_ID = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
"""A snake_case identifier (``operational_by``, ``price_per_m2``): a field name, not a word."""


def internal_ids(html: str, park_ids: tuple[str, ...] | list[str]) -> set[str]:
    """Internal ids a page shows outside code and ``translate="no"``: lot ids
    (``inaho/P2-1``) and snake_case field names (``operational_by``)."""
    text = " ".join(parse(html).parts_ja)
    alternatives = "|".join(map(re.escape, park_ids))
    lot = re.compile(rf"\b(?:{alternatives})/[A-Za-z0-9-]+")
    return set(lot.findall(text)) | set(SNAKE_ID.findall(HOST.sub(" ", text)))


FILE_PATH = re.compile(r"[\w.-]+/[\w./-]*\.[a-z]{2,5}\b")
"""A file path with an extension (``parks/speed_profiles.yaml``) that a credit line cites."""


def text_internal_ids(text: str, park_ids: tuple[str, ...] | list[str]) -> set[str]:
    """Internal ids in plain text (CLI output) outside URLs and file paths: lot ids and
    snake_case names."""
    text = FILE_PATH.sub(" ", HOST.sub(" ", text))
    alternatives = "|".join(map(re.escape, park_ids))
    lot = re.compile(rf"\b(?:{alternatives})/[A-Za-z0-9-]+")
    return set(lot.findall(text)) | set(SNAKE_ID.findall(text))


PARENTHESISED = re.compile(r"\([^()]*\)|（[^（）]*）")
"""A parenthesised aside: where English output quotes a Japanese term as published."""


def english_output_problems(text: str) -> set[str]:
    """Japanese runs of English CLI output outside parenthesised asides and source lines."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("Sources:", "Source:", "- ")):
            continue
        kept.append(PARENTHESISED.sub(" ", PARENTHESISED.sub(" ", line)))
    return japanese_words("\n".join(kept))
