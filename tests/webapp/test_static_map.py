"""The pitch sheet's server-drawn SVG map, checked against the layers by independent sums.

Each check recomputes what the map should show from the raw layers (projected and clipped
here, with plain shapely) and compares it with the SVG the sheet serves: the lot's outline
where the frame puts it, every road piece in the frame, a scale bar as long as it says, and
names that stay text whatever characters they hold.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.io import write_layers_atomic
from parks.data import gpkg_path
from tests.shapes import all_layers
from webapp import create_app

SVG_NS = "{http://www.w3.org/2000/svg}"
LOT = "inaho/P2-1"
WIDTH, HEIGHT = 600, 400


@pytest.fixture(scope="module")
def client(real_app):
    return real_app.test_client()


def map_svg(page: str) -> ET.Element:
    """Return the sheet's static map, parsed as XML (which also proves it is well formed)."""
    found = re.search(r'<svg\b[^>]*class="static-map-svg".*?</svg>', page, re.S)
    assert found is not None, "no static map on the sheet"
    return ET.fromstring(found.group(0))


@pytest.fixture(scope="module")
def sheet_svg(client) -> ET.Element:
    response = client.get(f"/pitch?lot={LOT}&as_of=2021-04-01&lang=en")
    assert response.status_code == 200
    return map_svg(response.get_data(as_text=True))


def extent(svg: ET.Element) -> tuple[float, float, float, float]:
    assert svg.get("data-crs") == "EPSG:6675"
    west, south, east, north = (float(v) for v in svg.get("data-extent").split())
    return west, south, east, north


def coords(d: str) -> np.ndarray:
    return np.array([[float(x), float(y)] for x, y in re.findall(r"(-?[\d.]+) (-?[\d.]+)", d)])


def line_parts(geom) -> list:
    """Every LineString inside ``geom`` (what a cut road leaves, stray points left out)."""
    if geom.geom_type == "LineString":
        return [geom]
    if geom.geom_type in ("MultiLineString", "GeometryCollection"):
        return [line for part in shapely.get_parts(geom) for line in line_parts(part)]
    return []


def subpaths(d: str) -> int:
    return d.count("M")


def test_the_map_keeps_the_sheet_aspect_and_one_scale(sheet_svg) -> None:
    assert sheet_svg.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    west, south, east, north = extent(sheet_svg)
    assert (east - west) / WIDTH == pytest.approx((north - south) / HEIGHT, rel=1e-6)


def test_the_lot_outline_is_drawn_where_the_frame_puts_it(sheet_svg, layers) -> None:
    west, _, east, north = extent(sheet_svg)
    scale = (east - west) / WIDTH
    lot = layers.lots[layers.lots["lot_id"] == LOT].to_crs(6675).geometry.iloc[0]
    lx0, ly0, lx1, ly1 = lot.bounds
    # where the lot must be: metres from the frame's north-west corner, over metres per unit
    expected = (
        (lx0 - west) / scale,
        (north - ly1) / scale,
        (lx1 - west) / scale,
        (north - ly0) / scale,
    )
    outline = sheet_svg.find(f".//{SVG_NS}path[@class='lot-outline']")
    assert outline is not None
    points = coords(outline.get("d"))
    drawn = (*points.min(axis=0), *points.max(axis=0))
    assert drawn == pytest.approx(expected, abs=0.06)  # coordinates are written to 0.1 unit
    assert 0 < drawn[0] < drawn[2] < WIDTH
    assert 0 < drawn[1] < drawn[3] < HEIGHT
    # the lot has several units to a side: visible on paper, not a dot
    assert drawn[2] - drawn[0] > 10


def test_every_road_piece_in_the_frame_is_drawn_by_class(sheet_svg, layers) -> None:
    frame = shapely.box(*extent(sheet_svg))
    roads = layers.roads.to_crs(6675)
    cut = shapely.intersection(roads.geometry.values, frame)
    pieces: Counter[str] = Counter()
    for road_class, geom in zip(roads["class"], cut, strict=True):
        pieces[road_class] += sum(1 for p in line_parts(geom) if p.length > 0)
    drawn = {
        path.get("data-class"): subpaths(path.get("d"))
        for path in sheet_svg.iter(f"{SVG_NS}path")
        if "road" in (path.get("class") or "").split()
    }
    assert pieces["motorway"] > 0, "the frame around Inaho holds the Hokuriku expressway"
    assert pieces["minor"] > 50
    # a printed frame of under 2 km shows every class the web map shows close up
    assert drawn == dict(+pieces)


def test_the_scale_bar_is_as_long_as_its_label_says(sheet_svg, layers) -> None:
    bar = sheet_svg.find(f".//{SVG_NS}g[@class='scale-bar']")
    length = float(bar.find(f"{SVG_NS}rect[@class='scale-bar-length']").get("width"))
    labels = [t.text for t in bar.iter(f"{SVG_NS}text")]
    label = next(t for t in labels if t != "0")
    number, unit = re.fullmatch(r"([\d.]+) (m|km)", label).groups()
    metres = float(number) * (1000 if unit == "km" else 1)
    # the frame's scale, recomputed from the lot: its width in metres over its width drawn
    lot = layers.lots[layers.lots["lot_id"] == LOT].to_crs(6675).geometry.iloc[0]
    points = coords(sheet_svg.find(f".//{SVG_NS}path[@class='lot-outline']").get("d"))
    metres_per_unit = (lot.bounds[2] - lot.bounds[0]) / (points[:, 0].max() - points[:, 0].min())
    assert length * metres_per_unit == pytest.approx(metres, rel=0.01)
    # and a round number no longer than about a fifth of the map
    assert metres / 10 ** math.floor(math.log10(metres)) in (1, 2, 5)
    assert length <= WIDTH * 0.25


def test_labels_and_legend_follow_the_language(client) -> None:
    page = client.get(f"/pitch?lot={LOT}&as_of=2021-04-01&lang=ja").get_data(as_text=True)
    texts = [t.text for t in map_svg(page).iter(f"{SVG_NS}text")]
    assert "いなほ工業団地" in texts
    assert "区画 P2-1" in texts
    legend = re.search(r'<ul class="map-legend".*?</ul>', page, re.S).group(0)
    for label in ("この区画", "分譲中", "高速道路", "工業団地 (区域は推定)"):
        assert f"<span>{label}</span>" in legend
    assert "© OpenMapTiles © OpenStreetMap contributors" in page


def test_the_map_stays_on_the_page_printed_and_needs_no_request(client) -> None:
    page = client.get(f"/pitch?lot={LOT}&as_of=2021-04-01&lang=en").get_data(as_text=True)
    svg = re.search(r'<svg\b[^>]*class="static-map-svg".*?</svg>', page, re.S).group(0)
    assert not re.search(r"\b(?:href|src)=|url\((?!#)", svg), "the map must fetch nothing"
    # inside the sheet (<main>), before the screen-only interactive map
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert 'id="static-map"' in main.group(0)
    assert '<aside class="screen-only interactive-map"' in page[main.end() :]
    assert (
        "screen-only"
        not in main.group(0)[: main.group(0).index('id="static-map"')].split(
            '<div class="sheet-grid">'
        )[-1]
    )
    # neither stylesheet hides it in print (the PDF's hides only the interactive map)
    for sheet in ("pitch.css", "pitch_pdf.css"):
        css = client.get(f"/static/{sheet}").get_data(as_text=True)
        hidden = re.findall(r"([^{}]*)\{[^}]*display:\s*none", css)
        assert not [rule for rule in hidden if "static-map" in rule], sheet


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """The hand-built layers with names that look like markup."""
    frames = all_layers()
    frames["parks"].loc[0, "name_en"] = "Techno <Park> & Co"
    frames["parks"].loc[0, "name_ja"] = "テクノ<パーク>&工業団地"
    frames["lots"].loc[0, "lot_no"] = '1<b>"&amp;'
    frames["destinations"].loc[0, "name_en"] = "IC <script>alert(1)</script>"
    data_dir = tmp_path_factory.mktemp("hostile-names")
    write_layers_atomic(gpkg_path(data_dir), frames, keep_existing=False)
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.mark.parametrize(
    ("lang", "park"), [("en", "Techno <Park> & Co"), ("ja", "テクノ<パーク>&工業団地")]
)
def test_names_holding_markup_stay_text(hostile_client, lang: str, park: str) -> None:
    response = hostile_client.get(f"/pitch?lot=techno-park/1&lang={lang}")
    assert response.status_code == 200
    svg = map_svg(response.get_data(as_text=True))
    texts = [t.text for t in svg.iter(f"{SVG_NS}text")]
    assert park in texts
    assert any(t and t.endswith('1<b>"&amp;') for t in texts)
    # nothing became an element: only what the map draws
    tags = {element.tag.removeprefix(SVG_NS) for element in svg.iter()}
    assert tags <= {"svg", "title", "defs", "clipPath", "rect", "g", "path", "circle", "text"}


def test_a_destination_in_the_frame_is_marked_and_named_as_text(tmp_path: Path) -> None:
    frames = all_layers()
    frames["destinations"] = frames["destinations"].copy()
    # move the interchange next to the park (300 m east of it), inside the frame
    park = frames["parks"].to_crs(6675).geometry.iloc[0]
    point = shapely.Point(park.bounds[2] + 300, park.bounds[1] + 150)
    frames["destinations"].loc[0, "geometry"] = (
        gpd.GeoSeries([point], crs=6675).to_crs(4326).iloc[0]
    )
    frames["destinations"].loc[0, "name_en"] = "IC <script>alert(1)</script>"
    write_layers_atomic(gpkg_path(tmp_path), frames, keep_existing=False)
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    page = client.get("/pitch?lot=techno-park/1&lang=en").get_data(as_text=True)
    svg = map_svg(page)
    assert svg.find(f".//{SVG_NS}circle[@class='destination destination-interchange']") is not None
    texts = [t.text for t in svg.iter(f"{SVG_NS}text")]
    assert "IC <script>alert(1)</script>" in texts
    assert "<script>alert" not in page


# ---------------------------------------------------------------------- the staff PDF


def _poppler() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed (apt-get install poppler-utils)")


def test_the_staff_pdf_draws_the_map(real_app, tmp_path: Path) -> None:
    """WeasyPrint prints the map: its texts are extractable and its area is drawn in colour."""
    _poppler()
    import datetime as dt
    import json

    from parks.profile import validate_profile
    from webapp import get_layers
    from webapp.staff_pdf import pitch_pdf

    scenario = Path(__file__).resolve().parents[1] / "data" / "scenarios"
    profile = validate_profile(
        json.loads((scenario / "precision-parts-maker.json").read_text(encoding="utf-8"))["profile"]
    )
    with real_app.test_request_context("/"):
        pdf = pitch_pdf(get_layers(), profile, [LOT], lang="en", as_of=dt.date(2021, 4, 1))
    path = tmp_path / "pitch.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(x0), float(y0), float(x1), float(y1), word)
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            text,
        )
    ]
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', text)
    page_w, page_h = float(page.group(1)), float(page.group(2))
    found = {w[4] for w in words}
    # the map's own texts are real text in the PDF: the lot label, the scale bar, the credits
    assert {"P2-1", "OpenStreetMap", "Expressway"} <= found
    # the legend's first row ("This lot") sits right under the map, at its left edge
    this = next(w for w in words if w[4] == "This")
    left, legend_top = this[0], this[1]
    width = page_w - 31 - left  # the right page margin is 11 mm (31 pt)
    height = width * HEIGHT / WIDTH
    dpi = 50
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-png", str(path), str(tmp_path / "p")],
        check=True,
    )
    from PIL import Image

    image = np.asarray(Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")).astype(int)
    assert image.shape[1] == pytest.approx(page_w * dpi / 72, abs=2)
    k = dpi / 72
    box = image[
        int((legend_top - height) * k) + 3 : int(legend_top * k) - 3,
        int(left * k) + 3 : int((left + width) * k) - 3,
    ]
    assert box.size > 0
    white = (box >= 250).all(axis=2)
    assert white.mean() < 0.05, "the map's area is blank"
    # the lot's magenta outline (#d6006f) and the roads' greys are there
    magenta = (abs(box[..., 0] - 214) < 40) & (box[..., 1] < 80) & (abs(box[..., 2] - 111) < 50)
    assert magenta.sum() >= 3
    assert len({tuple(c) for c in box.reshape(-1, 3)[::7]}) > 20
    del page_h
