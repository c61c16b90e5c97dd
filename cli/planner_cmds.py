"""Commands for planners: build-planning, assess, labour-shed, suitability, vacancy, add-layer."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_DATA = Path("data")
DEFAULT_LAYERS = Path(os.environ.get("SITING_LAYER_DIR", "instance/layers"))
DEFAULT_LOG = Path(os.environ.get("SITING_DEMAND_LOG", "instance/demand_log.jsonl"))


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    for command in (
        build_planning_cmd,
        assess_cmd,
        labour_shed_cmd,
        suitability_cmd,
        vacancy_cmd,
        add_layer_cmd,
        remove_layer_cmd,
    ):
        group.add_command(command)


def gettext_in(lang: str, msgid: str) -> str:
    """Translate ``msgid`` into ``lang`` (named like webapp.i18n's so extraction finds it)."""
    from webapp import i18n

    return i18n.gettext_in(lang, msgid)


def _fail(exc: Exception, lang: str) -> click.ClickException:
    """Turn a domain error into a CLI error listing every problem in ``lang``."""
    from parks.planning.errors import PlanningInputError
    from webapp.i18n import render_message

    if isinstance(exc, PlanningInputError):
        lines = [render_message(m, lang) for m in exc.messages]
        return click.ClickException("\n".join(f"- {line}" for line in lines))
    return click.ClickException(str(exc))


def _lang_option(func: Any) -> Any:
    return click.option("--lang", type=click.Choice(["ja", "en"]), default="en", show_default=True)(
        func
    )


def _data_option(func: Any) -> Any:
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path),
        default=DEFAULT_DATA,
        show_default=True,
    )(func)


def _layers_option(func: Any) -> Any:
    return click.option(
        "--layers",
        "layer_dir",
        type=click.Path(path_type=Path),
        default=DEFAULT_LAYERS,
        show_default=True,
        help="Folder of the layers loaded with add-layer (env SITING_LAYER_DIR).",
    )(func)


def _weights_option(func: Any) -> Any:
    return click.option(
        "--weights",
        "weights_file",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        default=None,
        help="YAML/JSON: {weights: {criterion: w}} or {pairwise: {a: {b: 1/9..9}}} (AHP).",
    )(func)


# --------------------------------------------------------------------------------------------


@click.command("build-planning")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("../shared/data/raw"),
    show_default=True,
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True
)
def build_planning_cmd(raw_dir: Path, out_dir: Path) -> None:
    """Build data/planning.gpkg (census small areas) and data/landcover.tif (JAXA clip)."""
    from parks.errors import SitingError
    from parks.planning.build import build_planning

    try:
        paths = build_planning(raw_dir, out_dir, progress=lambda m: click.echo(f"… {m}", err=True))
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in paths:
        click.echo(f"wrote {path} ({path.stat().st_size / 1e3:,.0f} kB)")


def _load(data_dir: Path, layer_dir: Path) -> tuple[Any, Any, Any]:
    from parks.data import load_layers
    from parks.planning.data import load_planning
    from parks.planning.layers import LayerStore

    return load_layers(data_dir), load_planning(data_dir), LayerStore(layer_dir)


def _weights(weights_file: Path | None) -> Any:
    from parks.planning.weights import default_weights, load_weights

    return load_weights(weights_file) if weights_file else default_weights()


@click.command("assess")
@click.argument("area_path", metavar="AREA", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text", "pdf"]), default="text", show_default=True
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write here (a PDF needs it; default AREA with .pdf).",
)
@_weights_option
@_layers_option
@_data_option
@_lang_option
def assess_cmd(
    area_path: Path,
    fmt: str,
    out_file: Path | None,
    weights_file: Path | None,
    layer_dir: Path,
    data_dir: Path,
    lang: str,
) -> None:
    """Assess a candidate AREA (GeoJSON, GeoPackage or zipped Shapefile with one polygon layer)."""
    from parks.errors import SitingError
    from parks.planning.area import area_from_upload
    from parks.planning.assess import assess_area

    try:
        layers, planning, store = _load(data_dir, layer_dir)
        if not area_path.is_file():
            raise click.ClickException(f"file not found: {area_path}")
        area = area_from_upload(area_path.read_bytes(), area_path.name, layers)
        result = assess_area(
            layers, planning, area, store=store, weights=_weights(weights_file)
        ).to_dict()
    except SitingError as exc:
        raise _fail(exc, lang) from exc
    if fmt == "json":
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if out_file:
            out_file.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
    elif fmt == "text":
        text = assessment_text(result, lang)
        if out_file:
            out_file.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
    else:
        target = out_file or area_path.with_suffix(".pdf")
        target.write_bytes(_pdf(result, data_dir, layer_dir, lang, area_path.name))
        click.echo(f"wrote {target}")


def _pdf(result: dict[str, Any], data_dir: Path, layer_dir: Path, lang: str, name: str) -> bytes:
    """Render the report page to PDF inside an app context (same template as the web)."""
    from flask import g

    from webapp import create_app
    from webapp.planner import report_html
    from webapp.planner_report import pdf_from_html

    app = create_app({"DATA_DIR": str(data_dir.resolve()), "LAYER_DIR": str(layer_dir)})
    with app.test_request_context(f"/planner/?lang={lang}"):
        g.lang = lang
        title = gettext_in(lang, "Assessment of a candidate area") + f": {name}"
        return pdf_from_html(report_html(result, title=title, for_pdf=True))


def assessment_text(r: dict[str, Any], lang: str) -> str:
    """Render an assessment as plain text in ``lang``."""
    from webapp.planner_texts import source_text, unit_text

    lines = [
        f"{gettext_in(lang, 'Area')}: {r['area_ha']:,.2f} ha (EPSG:6675)",
        f"{gettext_in(lang, 'Share outside the city')}: {r['outside_city_share']:.1%}",
        f"{gettext_in(lang, 'Water')}: {r['water_share']:.1%}",
        f"{gettext_in(lang, 'Road frontage')}: {r['road_frontage_m']:,.0f} m",
    ]
    park = r["nearest_park"]
    lines.append(
        f"{gettext_in(lang, 'Nearest industrial park')}: {park['name_ja'] if lang == 'ja' else park['name_en']}, {park['km']} km"
    )
    lines.append(gettext_in(lang, "Drive time from the area's road access points") + ":")
    for kind, minutes in r["drive_minutes"].items():
        dest = r["drive_destinations"].get(kind) or {}
        kinds = {
            "interchange": gettext_in(lang, "Interchange"),
            "port": gettext_in(lang, "Port"),
            "airport": gettext_in(lang, "Airport"),
            "station": gettext_in(lang, "Station"),
        }
        name = dest.get("name_ja" if lang == "ja" else "name_en", kinds.get(kind, kind))
        shown = (
            gettext_in(lang, "no data")
            if minutes is None
            else f"{minutes} {gettext_in(lang, 'min')}"
        )
        lines.append(f"  {name}: {shown}")
    lines.append(
        "  "
        + gettext_in(
            lang,
            "%(count)s road access points (where roads cross the edge), %(inside)s road nodes inside.",
        )
        % {
            "count": len(r["access_points"]["points"]),
            "inside": r["access_points"]["road_nodes_inside"],
        }
    )
    lines.append(gettext_in(lang, "Labour shed: residents within a drive") + ":")
    if r["population_within"]["10"] is None:
        lines.append(
            "  "
            + gettext_in(
                lang,
                "No road node lies within 2 km of the area: drive times and the labour shed "
                "cannot be measured.",
            )
        )
    else:
        for band, pop in r["population_within"].items():
            lines.append(f"  {band} {gettext_in(lang, 'min')}: {pop:,}")
        out = r["labour_shed"]["outside_graph"]
        lines.append(
            "  "
            + gettext_in(
                lang,
                "%(count)s small areas with %(population)s residents lie beyond the road graph's "
                "reach and are not counted.",
            )
            % {"count": f"{out['small_areas']:,}", "population": f"{out['population']:,}"}
        )
    lines.append(gettext_in(lang, "Land cover (JAXA, 250 m)") + ":")
    for code, body in r["landcover"].items():
        label = body["label_ja"] if lang == "ja" else body["label"]
        lines.append(f"  {code} {label}: {body['share']:.1%}")
    zones = [z for z in r["zones"] if z["overlap_ha"] > 0]
    lines.append(gettext_in(lang, "Subsidy zones (approximate outlines)") + ":")
    for z in zones or [None]:
        if z is None:
            lines.append("  " + gettext_in(lang, "The area overlaps no subsidy zone."))
        else:
            lines.append(
                f"  {z['name_ja'] if lang == 'ja' else z['name_en']}: {z['overlap_ha']:,.2f} ha ({z['share']:.1%})"
            )
    lines.append(gettext_in(lang, "Criteria and score") + ":")
    for c in r["criteria"].values():
        value = (
            gettext_in(lang, "no data")
            if c["value"] == "no data"
            else f"{c['value']} {unit_text(c['unit'], lang)}"
        )
        score = "-" if c["score"] is None else f"{c['score']:.3f}"
        lines.append(
            f"  {gettext_in(lang, c['label'])}: {value} | {score} x {c['weight_used']:.2f}"
        )
    lines.append(f"{gettext_in(lang, 'Score')}: {r['score']:.3f}")
    lines.append(gettext_in(lang, "Sources") + ":")
    lines.extend(f"  - {source_text(s, lang)}" for s in r["sources"])
    return "\n".join(lines)


@click.command("labour-shed")
@click.option("--lot", "lot_id", default=None, help="Lot id, e.g. morimoto-ic/3.")
@click.option("--park", "park_id", default=None, help="Park id, e.g. inaho.")
@_data_option
def labour_shed_cmd(lot_id: str | None, park_id: str | None, data_dir: Path) -> None:
    """Print the residents within 10/20/30 minutes' drive of a lot or a park (JSON)."""
    from parks.data import load_layers
    from parks.errors import SitingError
    from parks.planning.data import load_planning
    from parks.planning.labour import labour_shed

    if (lot_id is None) == (park_id is None):
        raise click.UsageError("give exactly one of --lot or --park")
    try:
        layers = load_layers(data_dir)
        geom = layers.lot(lot_id).geometry if lot_id else layers.park(str(park_id)).geometry
        shed = labour_shed(layers, load_planning(data_dir), geom, crs=layers.lots.crs)
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        json.dumps(
            {"lot_id": lot_id, "park_id": park_id, **shed.to_dict()}, ensure_ascii=False, indent=2
        )
    )


@click.command("suitability")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option(
    "--cell-m", default=10.0, show_default=True, type=click.FloatRange(min=1.0, max=1000.0)
)
@click.option("--min-area-ha", default=3.0, show_default=True, type=click.FloatRange(min=0.01))
@click.option(
    "--threshold", default=None, type=click.FloatRange(0.0, 1.0), help="Lowest candidate score."
)
@click.option(
    "--top-share",
    default=0.05,
    show_default=True,
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Without --threshold: the best share of scored cells that may form candidates.",
)
@click.option(
    "--candidates", "max_candidates", default=50, show_default=True, type=click.IntRange(1, 1000)
)
@_weights_option
@_layers_option
@_data_option
@_lang_option
def suitability_cmd(
    out_dir: Path,
    cell_m: float,
    min_area_ha: float,
    threshold: float | None,
    top_share: float,
    max_candidates: int,
    weights_file: Path | None,
    layer_dir: Path,
    data_dir: Path,
    lang: str,
) -> None:
    """Map city-wide suitability and rank candidate areas into DIR (rasters, GeoJSON, CSV, JSON)."""
    from parks.errors import SitingError
    from parks.planning.suitability import suitability

    try:
        layers, planning, store = _load(data_dir, layer_dir)
        result = suitability(
            layers,
            planning,
            out_dir,
            store=store,
            cell_m=cell_m,
            weights=_weights(weights_file),
            min_area_ha=min_area_ha,
            threshold=threshold,
            top_share=top_share,
            max_candidates=max_candidates,
            progress=lambda m: click.echo(f"… {m}", err=True),
        )
    except SitingError as exc:
        raise _fail(exc, lang) from exc
    report = result.to_dict()
    for name, c in report["criteria"].items():
        status = (
            gettext_in(lang, "no data") if c["status"] == "no data" else f"{c['weight_used']:.2f}"
        )
        click.echo(f"{name:<22}{status}")
    click.echo(f"threshold {report['threshold']:.3f}; {len(result.candidates)} candidate(s):")
    for row in report["candidates"][:10]:
        click.echo(
            f"  #{row['rank']:<3} {row['candidate_id']}  score {row['score']:.3f}  {row['area_ha']:,.1f} ha"
        )
    click.echo(f"wrote {', '.join(report['files'])} and criteria/ to {out_dir}")


@click.command("vacancy")
@click.option("--as-of", "as_of", default=None, help="Date (YYYY-MM-DD; default today).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option(
    "--demand-log",
    "log_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_LOG,
    show_default=True,
)
@_data_option
@_lang_option
def vacancy_cmd(as_of: str | None, fmt: str, log_path: Path, data_dir: Path, lang: str) -> None:
    """Print sold share over time, absorption, sell-out dates, forecasts and unmet demand."""
    from parks.data import load_layers
    from parks.demand import read_demand
    from parks.errors import SitingError
    from parks.planning.vacancy import vacancy

    try:
        data = vacancy(load_layers(data_dir), as_of=as_of, demand=read_demand(log_path))
    except SitingError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{gettext_in(lang, 'As of')} {data['as_of']}")
    for p in data["parks"]:
        name = p["name_ja"] if lang == "ja" else p["name_en"]
        rate = (
            gettext_in(lang, "no data")
            if p["absorption_ha_per_year"] is None
            else f"{p['absorption_ha_per_year']:.2f}"
        )
        click.echo(
            f"{name}: {p['sold_ha']:,.2f}/{p['total_ha']:,.2f} ha; {gettext_in(lang, 'Absorption (ha per year)')} {rate}; "
            f"{gettext_in(lang, 'Sold out on')} {p['sold_out_on'] or '-'}"
        )
        if p["forecast"] and p["forecast"].get("sold_out_on"):
            f = p["forecast"]
            click.echo(
                f"  {gettext_in(lang, 'Forecast sell-out')} {f['sold_out_on']} ({f['range']['earliest']} - {f['range']['latest']})"
            )
    city = data["city"]
    rate = (
        "-" if city["absorption_ha_per_year"] is None else f"{city['absorption_ha_per_year']:.2f}"
    )
    click.echo(
        f"{gettext_in(lang, 'All parks')}: {city['sold_ha']:,.2f}/{city['total_ha']:,.2f} ha; "
        f"{gettext_in(lang, 'Absorption (ha per year)')} {rate}; {gettext_in(lang, 'On the market')} {city['stock_ha']:,.2f} ha"
    )
    summary = data["unmet_summary"]
    click.echo(f"{gettext_in(lang, 'Unmet demand')}: {summary['unmet']}/{summary['requests']}")
    for g in data["unmet_demand"]:
        click.echo(
            f"  {g['constraint']}: {g['requests']} ({g['share']:.0%}), {g['land_ha_asked']:,.2f} ha"
        )


@click.command("add-layer")
@click.argument("kind", type=click.Choice(["dem", "flood", "landslide", "zoning"]))
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--source", required=True, help="Publisher, edition and licence of the layer.")
@click.option("--field", "field_name", default=None, help="zoning: the column holding the zone.")
@click.option(
    "--allow", default="", help="zoning: comma-separated zone values that permit industry."
)
@click.option("--repair", is_flag=True, help="Repair invalid polygons instead of refusing them.")
@_layers_option
@_data_option
@_lang_option
def add_layer_cmd(
    kind: str,
    path: Path,
    source: str,
    field_name: str | None,
    allow: str,
    repair: bool,
    layer_dir: Path,
    data_dir: Path,
    lang: str,
) -> None:
    """Load a DEM (GeoTIFF) or hazard/zoning polygons for the suitability criteria (checked first)."""
    from parks.data import load_layers
    from parks.errors import SitingError
    from parks.planning.layers import add_layer

    try:
        info = add_layer(
            layer_dir,
            kind,
            path,
            load_layers(data_dir),
            source=source,
            field_name=field_name,
            allow=[a for a in allow.split(",") if a.strip()],
            repair=repair,
        )
    except SitingError as exc:
        raise _fail(exc, lang) from exc
    click.echo(
        f"loaded {kind} from {path.name} into {layer_dir}: {json.dumps(info.details, ensure_ascii=False)}"
    )


@click.command("remove-layer")
@click.argument("kind", type=click.Choice(["dem", "flood", "landslide", "zoning"]))
@_layers_option
def remove_layer_cmd(kind: str, layer_dir: Path) -> None:
    """Forget a loaded layer; its criterion goes back to "no data"."""
    from parks.planning.layers import remove_layer

    if remove_layer(layer_dir, kind):
        click.echo(f"removed {kind} from {layer_dir}")
    else:
        click.echo(f"no {kind} layer in {layer_dir}", err=True)
        sys.exit(1)
