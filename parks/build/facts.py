"""Step 5 — facts: the parks layer (outline plus published facts) and the copied fact file.

What no public source states stays null: price, zoning (用途地域), coverage and floor-area
ratios and utilities are null for every park, and ``unknown_facts`` says to ask the city's
Corporate Location Division (企業立地課). Qualitative statements a source does make are kept
in ``facts_note`` with their source and date.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import yaml

from geo.crs import METRIC_CRS
from parks.build.outlines import Outline
from parks.build.plan import PlannedLot

FACTS_SEARCHED = "2026-12"
"""When the sources were last searched for prices, zoning, ratios and utilities."""

UNKNOWN_FACTS = (
    "Sale price, zoning (用途地域), building coverage / floor-area ratios and utilities "
    "(industrial water, power, gas) are not stated in any public source found (searched "
    f"{FACTS_SEARCHED}: council and committee minutes, trade press, city pages): ask "
    "金沢市 経済局 企業立地課 (076-220-2225)."
)

FACT_NOTES: dict[str, list[dict[str, str]]] = {
    "techno-park": [
        {
            "fact": "Some firms that did not buy cited the land price (no price given).",
            "as_of": "2021 (committee, FY2021 first meeting)",
            "source": "http://senmonshi.com/archive/02/021036Jnq2H2U2A.asp",
        },
    ],
    "inaho": [
        {
            "fact": "Good-quality groundwater can be drawn.",
            "as_of": "2021-03-31",
            "source": "金沢市ものづくり戦略2015（改定版）, 2021-03, section 2-4 (2)",
        },
    ],
    "katatsu": [
        {
            "fact": "Soft ground by 河北潟: the second section was preloaded (surcharge fill) from "
            "2003-03 to 2007-04 before building; about 70 cm of settlement was measured.",
            "as_of": "2007-02-22",
            "source": "https://giji.rocks/igiji.php?city_code=17201&giji_id=1074_2303",
        },
    ],
    "morimoto-ic": [
        {
            "fact": "The city described its unit sale price as set low and its infrastructure "
            "as well developed (no figure given).",
            "as_of": "2015-09 (article undated)",
            "source": "http://senmonshi.com/archive/02/02BDTP@NLVOA3M.asp",
        },
    ],
    "yasuhara": [
        {
            "fact": "About 70 % of the 200+ firms have fewer than 10 employees; a city-built "
            "inter-industry training hall (金沢市異業種研修会館, 1999) serves the park.",
            "as_of": "2023 or later",
            "source": "https://yasuhara-net.com/12_history/index.html",
        },
    ],
}


def parks_layer(
    outlines: dict[str, Outline],
    lots: dict[str, list[PlannedLot]],
    facts: dict[str, dict[str, Any]],
    plan: dict[str, Any],
) -> gpd.GeoDataFrame:
    """The parks layer (METRIC_CRS): derived outline plus the published facts."""
    strategy = facts.get("city_strategy_2021_03", {})
    rows = []
    for park_id, outline in outlines.items():
        p = plan["parks"][park_id]
        f = facts.get(p["facts_id"], {})
        s = strategy.get("parks", {}).get(park_id, {})
        spec = p["outline"]
        measured = float(outline.geometry.area)
        opened, opened_note = _opened(p)
        rows.append(
            {
                "park_id": park_id,
                "name_ja": f.get("name_ja"),
                "name_en": f.get("name_en"),
                "address_ja": f.get("address_ja"),
                "saleable_area_m2": float(p["saleable_area_m2"]),
                "total_area_m2": p.get("total_area_m2"),
                "measured_area_m2": round(measured, 1),
                "area_note": _area_note(p, measured),
                "opened": opened,
                "opened_note": opened_note,
                "phases": json.dumps(
                    [_phase_summary(ph, lots[park_id]) for ph in p["phases"]], ensure_ascii=False
                ),
                "small_areas": json.dumps(
                    spec.get("small_areas") or [spec.get("part_of")], ensure_ascii=False
                ),
                "small_areas_whole": bool(spec.get("small_areas")),
                "target_industries": json.dumps(
                    s.get("target_industries") or f.get("target_industries"), ensure_ascii=False
                ),
                "admitted_industries": json.dumps(p["admitted_industries"]),
                "admitted_note": p.get("admitted_note"),
                "groundwater": p.get("groundwater"),
                "groundwater_source": p.get("groundwater_source"),
                "occupants": json.dumps(f.get("occupants"), ensure_ascii=False, default=str),
                "price_per_m2": None,
                "zoning": None,
                "coverage_ratio": None,
                "floor_area_ratio": None,
                "utilities": None,
                "unknown_facts": UNKNOWN_FACTS,
                "facts_note": json.dumps(FACT_NOTES.get(park_id, []), ensure_ascii=False),
                "outline_method": outline.method,
                "outline_source": str(spec.get("source", "")),
                "outline_confidence": str(spec.get("confidence", "low")),
                "outline_parts": json.dumps(
                    {k: round(float(g.area)) for k, g in outline.parts.items()},
                    ensure_ascii=False,
                ),
                "is_illustrative": True,
                "source": json.dumps(_dated_sources(f, strategy, p), ensure_ascii=False),
                "geometry": outline.geometry,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)


def _area_note(p: dict[str, Any], measured: float) -> str:
    spec = p["outline"]
    if spec.get("small_areas"):
        return (
            f"Outline covers the census small areas {', '.join(spec['small_areas'])} (grown to "
            f"their 2015 census areas): {measured / 1e4:.1f} ha measured in EPSG:6675, the whole "
            f"park including roads and green space; the saleable area is "
            f"{float(p['saleable_area_m2']) / 1e4:.1f} ha ({p['saleable_area_source']})."
        )
    return (
        f"The park is only part of the census small area {spec['part_of']}, which also holds "
        f"homes and farmland: the outline is grown until the land between its roads holds the "
        f"published saleable area of {float(p['saleable_area_m2']) / 1e4:.1f} ha "
        f"({p['saleable_area_source']}); {measured / 1e4:.1f} ha measured in EPSG:6675 "
        "including roads."
    )


def _dated_sources(
    facts: dict[str, Any], strategy: dict[str, Any], plan: dict[str, Any]
) -> list[str]:
    """Each source of a park's facts and history, with the dates it backs."""
    dates: dict[str, list[str]] = {}
    for report in plan.get("reports") or []:
        for url in str(report["source"]).split("; "):
            dates.setdefault(url, []).append(str(report["date"]))
    out = []
    for url in dict.fromkeys([*(str(u) for u in facts.get("sources") or []), *dates]):
        when = sorted(set(dates.get(url, [])))
        out.append(f"{url} (as of {', '.join(when)})" if when else url)
    if strategy.get("source"):
        out.append(f"{strategy['source']} (as of {strategy.get('as_of', '2021-03')})")
    return out


def _opened(p: dict[str, Any]) -> tuple[str | None, str | None]:
    """The park's first sale date: its first phase's opening (None when that is unknown)."""
    first = min(p["phases"], key=lambda ph: int(ph["phase"]))
    if not first.get("opened"):
        return None, str(first.get("opened_source") or "sale start not published")
    note = str(first.get("opened_source", ""))
    if first.get("opened_inferred"):
        note += " (day or month assumed)"
    return str(first["opened"]), note


def _phase_summary(phase: dict[str, Any], lots: list[PlannedLot]) -> dict[str, Any]:
    mine = [lot for lot in lots if lot.phase == int(phase["phase"])]
    return {
        "phase": phase["phase"],
        "name": phase.get("name"),
        "lots": len(mine),
        "opened": phase.get("opened"),
        "position": phase.get("position"),
        "position_source": phase.get("position_source"),
        "saleable_area_m2": round(sum(lot.area_m2 for lot in mine), 2),
    }


def write_facts(facts_dir: Path, out_dir: Path, plan: dict[str, Any]) -> None:
    """Copy the fact files into ``out_dir/facts`` and append the dated reports to parks.yaml.

    The appended ``dated_reports`` section lists every reported figure the history must
    reproduce (date, figure, source), so ``siting check-data`` works on ``data/`` alone.
    """
    target = Path(out_dir) / "facts"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(facts_dir) / "grants.yaml", target / "grants.yaml")
    reports = {
        park_id: [{k: v for k, v in r.items() if k != "note"} for r in p.get("reports") or []]
        for park_id, p in plan["parks"].items()
    }
    extra = {
        "dated_reports": reports,
        "facts_searched": {"as_of": FACTS_SEARCHED, "unknown": UNKNOWN_FACTS, "notes": FACT_NOTES},
    }
    text = (Path(facts_dir) / "parks.yaml").read_text(encoding="utf-8").rstrip() + "\n"
    text += (
        "\n# ---------------------------------------------------------------------------\n"
        "# Added by `siting build-data` from parks/build/lot_plan.yaml: every dated figure\n"
        "# reported for a park (the history must reproduce each within 3 points), and the\n"
        "# facts searched for but not found.\n"
    )
    text += yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=100)
    (target / "parks.yaml").write_text(text, encoding="utf-8")
