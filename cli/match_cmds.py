"""Commands for matching firms to lots: match."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import click

DEFAULT_LOG = Path(os.environ.get("SITING_DEMAND_LOG", "instance/demand_log.jsonl"))

LABELS = {
    "en": {
        "matches": "Lots that meet every constraint",
        "none": "No lot meets every constraint on {as_of}.",
        "near": "Near misses (fail exactly one constraint)",
        "planned": "Planned lots (not yet on sale)",
        "score": "score",
        "grants": "grants (cash, up to)",
        "city": "city",
        "pref": "prefecture",
        "assembled": "assembled from",
        "min": "min",
        "weights": "weights",
        "illustrative": "Lot outlines and areas are illustrative: no official lot plan is public.",
    },
    "ja": {
        "matches": "全条件を満たす区画",
        "none": "{as_of} 時点で全条件を満たす区画はありません。",
        "near": "惜しい区画(条件を一つだけ満たさない)",
        "planned": "分譲予定の区画",
        "score": "評点",
        "grants": "助成金(現金・上限)",
        "city": "市",
        "pref": "県",
        "assembled": "隣接区画の組合せ",
        "min": "分",
        "weights": "重み",
        "illustrative": "区画の形と面積は例示です(公式の区画図は公表されていません)。",
    },
}


def register(group: click.Group) -> None:
    """Add this module's commands to the ``siting`` group."""
    group.add_command(match_cmd)


@click.command("match")
@click.argument("profile_path", metavar="PROFILE.json", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", default=None, help="Date of the lot statuses (default: today).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="en", show_default=True)
@click.option("--speed-profile", default="normal", show_default=True, help="normal or winter.")
@click.option(
    "--data", "data_dir", type=click.Path(path_type=Path), default=Path("data"), show_default=True
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_LOG,
    show_default=True,
    help="Unmet-demand log (criteria only, never the firm's name).",
)
@click.option("--no-log", is_flag=True, help="Do not record this request in the demand log.")
def match_cmd(
    profile_path: Path,
    as_of: str | None,
    top: int,
    fmt: str,
    lang: str,
    speed_profile: str,
    data_dir: Path,
    log_path: Path,
    no_log: bool,
) -> None:
    """Rank the lots that fit the firm in PROFILE.json, with near misses and grants."""
    from parks.data import load_layers
    from parks.demand import demand_record, record_demand
    from parks.errors import SitingError
    from parks.lots import parse_date
    from parks.matching import match
    from parks.profile import load_profile

    try:
        profile = load_profile(profile_path)
        day = parse_date(as_of) if as_of else date.today()
        layers = load_layers(data_dir)
        result = match(layers, profile, as_of=day, top=top, speed_profile=speed_profile)
    except SitingError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        raise click.ClickException("\n".join(f"- {p}" for p in problems)) from exc
    if not no_log:
        record_demand(
            log_path,
            demand_record(
                profile,
                as_of=day,
                matches=len(result.matches),
                near_misses=len(result.near_misses),
                near_miss_counts=result.near_miss_counts,
                speed_profile=speed_profile,
            ),
        )
    data = result.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_text(data, lang))


def _line(m: dict[str, Any], t: dict[str, str]) -> list[str]:
    lots = ", ".join(m["lots"])
    head = f"{lots}  {m['area_m2']:,.0f} m²  {t['score']} {m['score']:.3f}"
    if m["assembled"]:
        head = f"{t['assembled']} {lots}  {m['area_m2']:,.0f} m²  {t['score']} {m['score']:.3f}"
    mins = ", ".join(
        f"{k} {v:.1f}{t['min']}" for k, v in m["drive_minutes"].items() if v is not None
    )
    out = [f"- {head}", f"    {mins}" if mins else "    (drive times not built)"]
    for c in m["checks"]:
        detail = c["detail_ja"] if t is LABELS["ja"] else c["detail"]
        out.append(f"    {'✓' if c['ok'] else '✗'} {detail}")
    g = m.get("grants") or {}
    label = "if_combinable_label_ja" if t is LABELS["ja"] else "if_combinable_label"
    if g:
        out.append(
            f"    {t['grants']}: {t['city']} ¥{g['city_jpy']:,} / {t['pref']} ¥{g['prefecture_jpy']:,}"
            f" — {g[label]}: ¥{g['if_combinable_jpy']:,}"
        )
    return out


def render_text(data: dict[str, Any], lang: str) -> str:
    """Render a match result as readable text in Japanese or English."""
    t = LABELS[lang]
    out = [
        f"as of {data['as_of']}  ({t['weights']}: "
        + ", ".join(f"{k} {v}" for k, v in data["weights"].items())
        + ")",
        "",
    ]
    if data["matches"]:
        out.append(t["matches"])
        for m in data["matches"]:
            out += _line(m, t)
    else:
        out.append(t["none"].format(as_of=data["as_of"]))
    for key, label in (("near_misses", "near"), ("planned", "planned")):
        if data[key]:
            out += ["", t[label]]
            for m in data[key]:
                out += _line(m, t)
    out += ["", t["illustrative"]]
    out += [f"* {n}" for n in data["notes"]]
    return "\n".join(out)
